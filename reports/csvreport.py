"""The run as CSV, one row per agency and item, for the coordinators' own sheets.

UTF-8 with a BOM (Excel then shows Thai), RFC 4180 quoting, and every text cell made inert
(labels.sheet_text): a website's "=HYPERLINK(...)" stays text.
"""
from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from crawler.models import ItemResult, RunReport
from reports import labels

HEAD = ["agency_id", "name", "url", "province", "district", "type"]  # then the extra columns
TAIL = ["site_status", "score", "band", "code", "item", "status", "status_th", "evidence_urls",
        "years_seen", "years_needed", "reason", "hint"]
URL_SEP = " | "


def columns(report: RunReport) -> list[str]:
    """Column names: HEAD, the extra columns of the agency list (in the order first seen), TAIL."""
    extra = dict.fromkeys(k for a in report.agencies for k in a.agency.extra if k not in HEAD + TAIL)
    return HEAD + list(extra) + TAIL


def _years(years: list[int]) -> str:
    return ", ".join(str(y) for y in sorted(set(years)))


def rows(report: RunReport) -> Iterator[tuple[ItemResult, list]]:
    """(item, its values in `columns` order) for every agency and item. A site that could not be
    read has no score or band (it is not "0 points")."""
    extra = columns(report)[len(HEAD):-len(TAIL)]
    for entry in report.agencies:
        agency, result = entry.agency, entry.result
        scored = result.site.status != "unreachable"
        head = [agency.id, agency.name, agency.url, agency.province, agency.district, agency.type,
                *(agency.extra.get(k, "") for k in extra), result.site.status,
                result.score if scored else None, result.band if scored else ""]
        for item in result.items:
            yield item, head + [
                item.code, item.name, item.status.value, labels.STATUS[item.status].th,
                URL_SEP.join(e.url for e in item.evidence), _years(item.years_seen),
                _years(item.years_needed), item.reason, item.hint,
            ]


def write_table(path: str | os.PathLike[str], header: list[str], values: Iterable[list]) -> None:
    """Write a header and rows as Excel-ready CSV; text cells pass through labels.sheet_text."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)  # RFC 4180: CRLF line ends, quotes doubled, quoted when needed
        for row in chain([header], values):
            writer.writerow([labels.sheet_text(v) if isinstance(v, str) else v for v in row])


def write(report: RunReport, path: str | os.PathLike[str]) -> None:
    """Write every agency × item of the run to `path`."""
    write_table(path, columns(report), (values for _, values in rows(report)))
