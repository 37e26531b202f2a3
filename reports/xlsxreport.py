"""The run as an Excel workbook for meetings: a summary sheet (one row per agency, its items
coloured by status) and a details sheet (the rows of the CSV). Written in openpyxl's write-only
mode so memory stays flat with thousands of agencies."""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from crawler.models import RunReport
from reports import csvreport, labels

SUMMARY, DETAILS = "สรุป", "รายละเอียด"
_LINK_MAX = 2079  # the longest hyperlink Excel opens without "repairing" the file
_LINK_FONT = Font(color="FF0563C1", underline="single")
_HEADER = dict(font=Font(bold=True), fill=PatternFill("solid", fgColor="FFE9ECEF"),
               alignment=Alignment(vertical="top", wrap_text=True))
_WIDTHS = {"name": 36, "url": 30, "item": 44, "evidence_urls": 60, "reason": 50, "hint": 50,
           "agency_id": 24, "status_th": 16, "site_status": 12, "score": 10, "band": 7, "code": 6}
_STYLE = {
    status: dict(fill=PatternFill("solid", fgColor="FF" + lab.bg.lstrip("#")),
                 font=Font(color="FF" + lab.fg.lstrip("#")))
    for status, lab in labels.STATUS.items()
}


def cell(ws, value, **style) -> WriteOnlyCell:
    """A cell whose text stays text (labels.sheet_text), with openpyxl style attributes."""
    c = WriteOnlyCell(ws, labels.sheet_text(value) if isinstance(value, str) else value)
    for name, attr in style.items():
        setattr(c, name, attr)
    return c


def link(c: WriteOnlyCell, urls: list[str]) -> None:
    """Make the cell open the first of `urls` that is http(s); other schemes stay plain text."""
    url = next((u.strip() for u in urls if labels.is_web_url(u) and len(u.strip()) <= _LINK_MAX), None)
    if url:
        c.hyperlink = url
        c.font = _LINK_FONT


def header(ws, names: list[str], widths: list[float], rows: int,
           comments: dict[int, str] | None = None) -> None:
    """Column widths, frozen header row and first column, a filter over `rows` data rows, and the
    header row itself (write-only sheets need all of it before the first row)."""
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(names))}{rows + 1}"
    cells = [cell(ws, name, **_HEADER) for name in names]
    for n, text in (comments or {}).items():
        cells[n].comment = Comment(text, "oit")
    ws.append(cells)


def _summary(ws, report: RunReport) -> None:
    codes = [code for code, _ in report.items]
    lead = [labels.COLUMNS_TH[k] for k in ("name", "district", "type", "site_status", "score", "band")]
    counts = [lab.th for lab in labels.STATUS.values()]
    header(ws, lead + counts + codes, [36, 16, 16, 16, 12, 7] + [11] * len(counts) + [11] * len(codes),
           len(report.agencies),
           comments={len(lead) + len(counts) + n: name for n, (_, name) in enumerate(report.items)})
    for entry in report.agencies:
        agency, result = entry.agency, entry.result
        scored = result.site.status != "unreachable"
        low = dict(font=Font(bold=True, color="FFC0392B")) if scored and result.score < report.target else {}
        by_code = {item.code: item.status for item in result.items}
        tally = Counter(by_code.values())
        ws.append([
            cell(ws, agency.name), cell(ws, agency.district), cell(ws, agency.type),
            cell(ws, labels.SITE_STATUS.get(result.site.status, result.site.status)),
            cell(ws, result.score if scored else None, **low), cell(ws, result.band if scored else ""),
            *(cell(ws, tally[status]) for status in labels.STATUS),
            *(cell(ws, labels.STATUS[by_code[code]].th, **_STYLE[by_code[code]]) if code in by_code
              else cell(ws, None) for code in codes),
        ])


def _details(ws, report: RunReport) -> None:
    names = csvreport.columns(report)
    header(ws, [labels.COLUMNS_TH.get(n, n) for n in names], [_WIDTHS.get(n, 14) for n in names],
           sum(len(entry.result.items) for entry in report.agencies))
    status_at, urls_at = names.index("status_th"), names.index("evidence_urls")
    for item, values in csvreport.rows(report):
        cells = [cell(ws, v) for v in values]
        cells[status_at] = cell(ws, values[status_at], **_STYLE[item.status])
        link(cells[urls_at], [e.url for e in item.evidence])
        ws.append(cells)


def write(report: RunReport, path: str | os.PathLike[str]) -> None:
    """Write the summary and details sheets of the run to `path` (.xlsx)."""
    wb = Workbook(write_only=True)
    _summary(wb.create_sheet(SUMMARY), report)
    _details(wb.create_sheet(DETAILS), report)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
