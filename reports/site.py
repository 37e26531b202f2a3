"""The static HTML site of one run (templates/site/): overview matrix, a page per agency and per item,
and what changed. Self-contained and linked relatively, so the folder can be zipped and sent on."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from urllib.parse import urlsplit

from crawler.models import AgencyResult, HistoryPoint, ItemResult, RunReport, Status
from reports import labels
from reports.html import env

NO_GROUP = "(ไม่ระบุ)"
HISTORY_SHOWN = 10  # runs in the history of an agency and its items


@dataclass
class Row:
    """One agency as the pages show it."""

    ar: AgencyResult
    page: str  # "agency/<slug>.html", relative to the site root
    history: list[HistoryPoint]
    down: bool  # site unreachable: no score
    low: bool  # scored below the target
    items: dict[str, ItemResult]
    counts: dict[Status, int]
    external: int  # evidence links outside the agency's own site

    @property
    def district(self) -> str:
        return self.ar.agency.district or NO_GROUP

    @property
    def type(self) -> str:
        return self.ar.agency.type or NO_GROUP


@dataclass
class Stats:
    """As crawler.results counts a run: an unreachable site scores 0 and so is below the target."""

    agencies: int = 0
    mean: float | None = None
    mean_reachable: float | None = None
    below: int = 0
    unreachable: int = 0
    counts: Counter = field(default_factory=Counter)
    external: int = 0  # evidence links outside the agencies' own sites: to be checked by hand
    external_agencies: int = 0
    rendered: int = 0  # pages that needed the browser


def write(report: RunReport, out_dir: Path, generated_at: dt.datetime | None = None,
          downloads: dict[str, str] | None = None) -> Path:
    """Write the site into `out_dir` and return the path of its index.html. `downloads`: files
    beside the site to link ({label: path relative to out_dir}; an agency's ITAS sheet under the
    key "itas:<agency id>")."""
    out = Path(out_dir)
    downloads = downloads or {}
    rows = _rows(report)
    by_id = {r.ar.agency.id: r for r in rows}
    common = dict(
        report=report, run=report.run, items=report.items, target=_number(report.target),
        site_statuses=labels.SITE_STATUS,
        generated_at=generated_at or dt.datetime.now().astimezone(),
        downloads={k: v for k, v in downloads.items() if not k.startswith("itas:")},
    )
    pages = {
        "index.html": ("site/index.html.j2", dict(
            rows=rows, stats=_stats(rows),
            districts=_groups(rows, "district"), types=_groups(rows, "type"),
            per_item={code: Counter(r.items[code].status for r in rows if code in r.items)
                      for code, _ in report.items},
            charts=_charts(report),
        )),
        "changes.html": ("site/changes.html.j2", dict(
            changes=report.changes, by_id=by_id, names=dict(report.items),
            previous=next((p for p in report.trend if p.run_id == report.changes.previous_run), None),
        )),
    }
    for r in rows:
        pages[r.page] = ("site/agency.html.j2", dict(r=r, itas=downloads.get(f"itas:{r.ar.agency.id}")))
    codes = [code for code, _ in report.items]
    for n, (code, name) in enumerate(report.items):
        pages[f"item/{code}.html"] = ("site/item.html.j2", dict(
            _item_page(code, name, rows), prev=codes[n - 1] if n else None, next=(codes[n + 1:] or [None])[0],
        ))
    for sub in ("agency", "item"):  # pages of agencies or items no longer in the run
        for old in (out / sub).glob("*.html"):
            if f"{sub}/{old.name}" not in pages:
                old.unlink()
    for name, (template, context) in pages.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * name.count("/")
        path.write_text(env.get_template(template).render(root=root, **common, **context), encoding="utf-8")
    return out / "index.html"


def _stats(rows: list[Row]) -> Stats:
    scores = [r.ar.result.score for r in rows]
    reachable = [r.ar.result.score for r in rows if not r.down]
    counts: Counter = Counter()
    for r in rows:
        counts.update(r.counts)
    return Stats(
        agencies=len(rows), mean=fmean(scores) if scores else None,
        mean_reachable=fmean(reachable) if reachable else None,
        below=sum(r.low or r.down for r in rows), unreachable=sum(r.down for r in rows), counts=counts,
        external=sum(r.external for r in rows), external_agencies=sum(bool(r.external) for r in rows),
        rendered=sum(r.ar.result.site.pages_rendered for r in rows),
    )


def _rows(report: RunReport) -> list[Row]:
    """Agencies worst first: unreachable sites, then by score ascending, then by name."""
    rows, taken = [], set()
    for ar in report.agencies:
        result, slug = ar.result, _slug(ar.agency.id, taken)
        taken.add(slug)
        down = result.site.status == "unreachable"
        host = _host(ar.agency.url or result.site.url)
        rows.append(Row(
            ar=ar, page=f"agency/{slug}.html", history=report.history.get(ar.agency.id, [])[-HISTORY_SHOWN:],
            down=down, low=not down and result.score < report.target,
            items={i.code: i for i in result.items},
            counts=Counter(i.status for i in result.items),
            external=sum(_host(e.url) != host for i in result.items for e in i.evidence),
        ))
    return sorted(rows, key=lambda r: (not r.down, r.ar.result.score, _thai_key(r.ar.agency.name)))


def _item_page(code: str, name: str, rows: list[Row]) -> dict:
    """Agencies by their status for one item; unreachable sites are listed apart."""
    rows = [r for r in rows if code in r.items]
    groups: dict[Status, list[Row]] = {s: [] for s in Status}
    for r in rows:
        if not r.down:
            groups[r.items[code].status].append(r)
    return dict(
        code=code, name=name, rows=rows, groups=groups, down=[r for r in rows if r.down],
        counts=Counter(r.items[code].status for r in rows),
        hint=next((r.items[code].hint for r in rows if r.items[code].hint), ""),
    )


def _slug(agency_id: str, taken: set[str]) -> str:
    """ASCII file name from the agency id, stable across runs; a hash keeps non-ASCII ids apart."""
    base = re.sub(r"[^a-z0-9]+", "-", agency_id.lower()).strip("-")[:60] or "agency"
    if agency_id.isascii() and base not in taken:
        return base
    return f"{base}-{hashlib.sha1(agency_id.encode()).hexdigest()[:8]}"


def _host(url: str) -> str:
    host = urlsplit(url.strip()).hostname or ""
    return host.removeprefix("www.")


def _thai_key(text: str) -> str:
    """Sort key in Thai dictionary order: a leading vowel (เ แ โ ใ ไ) sorts after its consonant."""
    return re.sub("([เ-ไ])([ก-ฮ])", r"\2\1", text)


def _groups(rows: list[Row], attr: str) -> list[tuple[str, Stats]]:
    names = sorted({getattr(r, attr) for r in rows}, key=_thai_key)
    return [(n, _stats([r for r in rows if getattr(r, attr) == n])) for n in names]


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# ---------------------------------------------------------------- trend charts (inline SVG)

@dataclass
class Chart:
    title: str
    points: list[tuple[float, float, str]]  # x, y, value label
    ticks: list[tuple[float, str]]  # y, label
    dates: list[tuple[float, str]]  # x, label (first and last run)
    line: tuple[float, str] | None = None  # y and label of the target
    width, height, left, right, top, bottom = 360, 150, 30, 310, 14, 120  # SVG box and plot area

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


def _charts(report: RunReport) -> list[Chart]:
    trend = report.trend
    most = max([p.below_target for p in trend] + [1])
    return [
        _chart("คะแนนเฉลี่ย", trend, [p.mean_score for p in trend], 100, "%.2f", report.target),
        _chart(f"จำนวนหน่วยงานที่ได้ต่ำกว่า {_number(report.target)}", trend,
               [p.below_target for p in trend], most, "%d"),
    ]


def _chart(title, trend, values, top, fmt, target=None) -> Chart:
    n, c = len(values), Chart

    def x(i: int) -> float:
        return c.left + ((c.right - c.left) * i / (n - 1) if n > 1 else (c.right - c.left) / 2)

    def y(v: float) -> float:
        return c.bottom - (c.bottom - c.top) * v / top

    ends = sorted({0, n - 1}) if n else []
    return Chart(
        title=title,
        points=[(x(i), y(v), fmt % v) for i, v in enumerate(values)],
        ticks=[(y(v), f"{_number(v)}") for v in (0, top)],
        dates=[(x(i), labels.thai_date(trend[i].date)) for i in ends],
        line=(y(target), f"{_number(target)}") if target is not None else None,
    )
