"""Read the agency list: CSV (UTF-8, header name,url,province,district,type; extra columns kept)
or XLSX with the same header. Bad rows are reported with their row number; good rows proceed."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from .models import Agency
from .urls import normalize_url, site_id

COLUMNS = ("name", "url", "province", "district", "type")
REQUIRED = ("name", "url")


class AgencyListError(ValueError):
    """The list as a whole cannot be read (no such file, no header, not CSV/XLSX)."""


def _rows(path: Path) -> tuple[list[list[str]], list[str]]:
    """Raw rows of the file and warnings about the file as a whole."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises zip, xml and key errors on broken files
            raise AgencyListError(f"{path}: not a readable XLSX file ({type(exc).__name__})") from None
        return [["" if c is None else str(c).strip() for c in row] for row in ws.iter_rows(values_only=True)], []
    data = path.read_bytes()
    try:
        text, warnings = data.decode("utf-8-sig"), []
    except UnicodeDecodeError:  # Excel on Thai Windows saves CSV as windows-874
        text = data.decode("cp874", "replace")
        warnings = [f"{path}: not UTF-8; read as Thai windows-874 (save as 'CSV UTF-8' to be sure)"]
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))], warnings


def read(path: str | Path, farm_sites: dict[str, str] | None = None) -> tuple[list[Agency], list[str]]:
    """(agencies, problems). Each problem is one line naming the file and row.
    `farm_sites` maps site ids of a served farm to their URLs: a row whose url is a site id of the
    farm is crawled there, under that id."""
    path = Path(path)
    if not path.is_file():
        raise AgencyListError(f"{path}: no such file")
    rows, problems = _rows(path)
    start = next((i for i, row in enumerate(rows) if any(row)), None)
    if start is None:
        raise AgencyListError(f"{path}: the file is empty")
    header = [h.strip().lower() for h in rows[start]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise AgencyListError(f"{path}:{start + 1}: the header must have the columns "
                              f"{','.join(COLUMNS)} (missing: {', '.join(missing)})")
    agencies: list[Agency] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(row):
            continue
        values = dict(zip(header, row + [""] * (len(header) - len(row))))
        where = f"{path}:{number}"
        name, raw = values.get("name", ""), values.get("url", "")
        if farm_sites and raw in farm_sites:
            url, key = farm_sites[raw], raw
        else:
            url = normalize_url(raw)
            key = site_id(url) if url else ""
        if not name:
            problems.append(f"{where}: no agency name; row skipped")
            continue
        if not raw:
            problems.append(f"{where}: {name}: no URL; row skipped")
            continue
        if not url:
            problems.append(f"{where}: {name}: not a website address: {raw!r}; row skipped")
            continue
        if key in seen:
            problems.append(f"{where}: {name}: same website as row {seen[key]}; row skipped")
            continue
        seen[key] = number
        extra = {k: v for k, v in values.items() if k not in COLUMNS and k}
        agencies.append(Agency(id=key, name=name, url=url, province=values.get("province", ""),
                               district=values.get("district", ""), type=values.get("type", ""),
                               extra=extra))
    return agencies, problems
