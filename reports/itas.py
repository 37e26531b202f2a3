"""The ITAS sheet of one agency: per OIT item what a clerk enters in the NACC system ITAS
(มี/ไม่มี, the URL(s), a short explanation of where the item sits), or what to fix first."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from openpyxl import Workbook
from openpyxl.styles import Alignment

from crawler.models import AgencyResult, Evidence, ItemResult, RunReport, Status
from reports import csvreport, labels, xlsxreport

COLUMNS = ["ข้อ", "รายการ", "มี/ไม่มี", "URL", "คำอธิบาย"]
_WIDTHS = [6, 50, 12, 60, 80]
_ANSWER = {Status.found: "มี", Status.stale: "ไม่มี", Status.missing: "ไม่มี", Status.unverified: "ตรวจสอบเอง"}
_KINDS = {".pdf": "ไฟล์ PDF", ".xls": "ไฟล์ Excel", ".xlsx": "ไฟล์ Excel", ".doc": "ไฟล์ Word",
          ".docx": "ไฟล์ Word", ".jpg": "ภาพ", ".jpeg": "ภาพ", ".png": "ภาพ"}
_MENU = re.compile(r"(ita|oit)[-_]?(25\d\d)?", re.I)  # an ITA/OIT folder in the URL path
_YEAR = re.compile(r"25\d\d")
_TEXT_MAX = 60


def _host(url: str) -> str:
    return (urlsplit(url.strip()).hostname or "").removeprefix("www.")


def _menu(path: str) -> str:
    """'เมนู ITA 2568' when the URL path files the evidence under an ITA/OIT folder, else ''."""
    parts = [p for p in path.split("/") if p]
    for n, part in enumerate(parts[:-1]):
        match = _MENU.fullmatch(part)
        if match:
            after = parts[n + 1] if _YEAR.fullmatch(parts[n + 1]) else ""
            return " ".join(filter(None, ("เมนู", match[1].upper(), match[2] or after)))
    return ""


def _where(evidence: Evidence, site: str) -> str:
    """Where one piece of evidence sits, e.g. 'เผยแพร่ที่หน้า “โครงสร้างองค์กร” ของเว็บไซต์ (เมนู ITA 2568)'."""
    path = unquote(urlsplit(evidence.url.strip()).path, errors="replace")
    kind = _KINDS.get(PurePosixPath(path).suffix.lower())
    text = " ".join(evidence.text.split())
    if len(text) > _TEXT_MAX:
        text = text[:_TEXT_MAX - 1] + "…"
    what = f"เป็น{kind}" if kind else "ที่หน้า"
    if text:
        what += f" “{text}”"
    years = labels.years_text(evidence.years)
    if evidence.years and not any(str(y) in text for y in evidence.years):
        what += f" (ปี {years})"
    host = _host(evidence.url)
    place = "ของเว็บไซต์" if host == _host(site) else f"บนเว็บไซต์ {host or 'ภายนอก'}"
    menu = _menu(path)
    return f"เผยแพร่{what} {place}" + (f" ({menu})" if menu else "")


def _todo(item: ItemResult) -> str:
    if item.status is Status.stale:
        needed = f"ของปี {labels.years_text(item.years_needed)}" if item.years_needed else "ที่เป็นปัจจุบัน"
        return f"ต้องแก้: เผยแพร่ข้อมูล{needed}"
    if item.status is Status.missing:
        return "ต้องแก้: เผยแพร่บนเว็บไซต์หลักของหน่วยงาน"
    if item.evidence:
        return "โปรดเปิด URL ตรวจเอง ถ้าครบถ้วนและเป็นปีที่กำหนดจึงตอบ มี"
    return "โปรดตรวจบนเว็บไซต์ด้วยตนเอง"


def _explain(item: ItemResult, site: str) -> str:
    """The suggested คำอธิบาย: where a found item sits, otherwise why it fails and what to fix."""
    if item.status is Status.found:
        if not item.evidence:
            return item.reason
        text = _where(item.evidence[0], site)
        more = len(item.evidence) - 1
        return text + (f" และอีก {more} รายการตาม URL" if more else "")
    text = f"{labels.STATUS[item.status].th}: {item.reason} — {_todo(item)}"
    if item.hint:
        text += f" — สิ่งที่ต้องมี: {item.hint}"
    return " ".join(text.split())  # one line: it is pasted into a single ITAS field


def rows(agency_result: AgencyResult, items: list[tuple[str, str]]) -> list[dict]:
    """One row per rule item (code, Thai name), in order, keyed by COLUMNS."""
    result = agency_result.result
    by_code = {item.code: item for item in result.items}
    out = []
    for code, name in items:
        item = by_code.get(code) or ItemResult(code=code, name=name, status=Status.unverified,
                                                reason="ไม่มีผลตรวจของรายการนี้")
        out.append(dict(zip(COLUMNS, (
            code, name, _ANSWER[item.status], "\n".join(e.url for e in item.evidence),
            _explain(item, agency_result.agency.url),
        ))))
    return out


def _write_xlsx(agency_result: AgencyResult, table: list[dict], path: Path) -> None:
    wb = Workbook(write_only=True)
    wb.properties.title = f"ITAS OIT {agency_result.result.rules.year}: {agency_result.agency.name}"
    ws = wb.create_sheet("ITAS")
    xlsxreport.header(ws, COLUMNS, _WIDTHS, len(table))
    wrap = Alignment(vertical="top", wrap_text=True)
    for row in table:
        cells = [xlsxreport.cell(ws, row[c], alignment=wrap) for c in COLUMNS]
        xlsxreport.link(cells[COLUMNS.index("URL")], row["URL"].split("\n"))
        ws.append(cells)
    wb.save(path)


def write_agency(agency_result: AgencyResult, items: list[tuple[str, str]],
                 path: str | os.PathLike[str]) -> None:
    """Write the ITAS sheet of one agency: XLSX when `path` ends in .xlsx, else CSV with a BOM."""
    path = Path(path)
    table = rows(agency_result, items)
    if path.suffix.lower() != ".xlsx":
        csvreport.write_table(path, COLUMNS, ([row[c] for c in COLUMNS] for row in table))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_xlsx(agency_result, table, path)


def _file_stem(agency_id: str) -> str:
    """An ASCII file name for an agency id ('abt.go.th/x:8000' -> 'abt.go.th_x_8000-1f3a9c20');
    ids that had to change get a short hash so two agencies never share a file."""
    stem = re.sub(r"[^a-z0-9.-]+", "_", agency_id.lower()).strip("._-")
    if stem == agency_id:
        return stem
    return f"{stem or 'agency'}-{hashlib.sha1(agency_id.encode()).hexdigest()[:8]}"


def write_all(report: RunReport, out_dir: str | os.PathLike[str], suffix: str = ".xlsx") -> list[Path]:
    """One ITAS sheet per agency of the run in `out_dir`; returns the files written."""
    out_dir = Path(out_dir)
    paths = []
    for entry in report.agencies:
        path = out_dir / f"itas-{_file_stem(entry.agency.id)}{suffix}"
        write_agency(entry, report.items, path)
        paths.append(path)
    return paths
