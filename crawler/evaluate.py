"""Per item: one status, the evidence to paste into ITAS, years seen versus needed, a Thai reason.

Computed once per site from the readings of the crawl; nothing here fetches or parses.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlparse

from .dates import fiscal_year, fiscal_year_start, span_years
from .urls import external_kind, same_site, url_kind
from .models import (Candidate, CheckResult, Evidence, Failure, Freshness, ItemResult, ItemRule, Reading,
                     RulesInfo, RuleSet, SiteInfo, Status, YearSpan)

# the strength of a candidate: how the agency tied it to the item (its number on the index first)
_HOW = {"code": 5, "link": 4, "context": 3, "section": 3, "page": 2, "url": 1}
# the order in which candidates decide an item: anything current wins; "could not look" beats
# "old", because the unreadable one may be the current document
_RANK = {Status.found: 0, Status.unverified: 1, Status.stale: 2, Status.missing: 3}


def years_needed(freshness: Freshness, year: int) -> list[int]:
    return {Freshness.current: [year], Freshness.previous: [year - 1],
            Freshness.current_or_previous: [year - 1, year], Freshness.plan_covers: [year],
            Freshness.none: []}[freshness]


def in_period(sp: list[YearSpan], freshness: Freshness, year: int) -> bool:
    if freshness is Freshness.plan_covers:
        return any(first <= year <= last for first, last in sp)
    need = years_needed(freshness, year)
    return any(first == last and first in need for first, last in sp)


def renumbered(rule: ItemRule) -> list[str]:
    """The item's code(s) in the previous year when they are not its own: "(2568: O12)" in reports."""
    return [] if rule.before == [rule.code] else rule.before


def _years_text(years: list[int]) -> str:
    return ", ".join(map(str, years))


def _span_text(sp: list[YearSpan]) -> str:
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in sorted(set(sp)))


def _broken(reading: Reading | None) -> bool:
    return reading is not None and (reading.http_status in (404, 410) or reading.error == "soft404")


def _is_index(reading: Reading | None) -> bool:
    return reading is not None and reading.index


@dataclass
class _Verdict:
    status: Status
    reason: str
    years: list[int] = field(default_factory=list)
    candidate: Candidate | None = None


def _order(v: _Verdict, year: int) -> tuple:
    """Verdicts best first: by status; then what the list of the rule year files (a page may hold
    next year's list and last year's beside it), how strongly the agency tied it to the item, and
    how specific the phrase was; the URL last, so the evidence a clerk pastes does not depend on
    the order pages came back."""
    c = v.candidate
    return _RANK[v.status], year not in c.filed, -_HOW[c.how], -c.specificity, c.url


def _best(verdicts: list[_Verdict], year: int) -> _Verdict:
    return min(verdicts, key=lambda v: _order(v, year))


def _judge(c: Candidate, rule: ItemRule, rules: RuleSet, readings: dict[str, Reading],
           hosts: tuple[str, ...], as_of_fy: int, nested: bool = False) -> _Verdict:
    year, fresh = rules.year, rule.freshness

    def by_years(sp: list[YearSpan], what: str) -> _Verdict:
        # a single year after the one --as-of falls in did not exist yet on that date
        sp = [(a, b) for a, b in sp if a != b or a <= as_of_fy] or sp
        if fresh is Freshness.none:  # the current state: years on the page do not matter
            return _Verdict(Status.found, "พบหลักฐาน", span_years(c.years), c)
        if in_period(sp, fresh, year):
            good = [s for s in sp if in_period([s], fresh, year)]
            return _Verdict(Status.found, f"พบ{what}ปี {_span_text(good)}", span_years(good), c)
        return _Verdict(Status.stale, f"พบเฉพาะข้อมูลปี {_years_text(span_years(sp))} แต่ต้องเป็นปี "
                        f"{_years_text(years_needed(fresh, year))}", span_years(sp), c)

    def by_filing(fallback: _Verdict) -> _Verdict:
        if fresh is Freshness.none:
            return _Verdict(Status.found, "พบหลักฐาน", [], c)
        if year in c.filed:
            return _Verdict(Status.found, f"พบในหน้า ITA/OIT {year} (เอกสารไม่ระบุปี)", [], c)
        if c.filed:
            return _Verdict(Status.stale, f"อยู่ในหน้า ITA/OIT ปี {_years_text(c.filed)} "
                            f"ไม่ใช่ปี {year}", [], c)
        return fallback

    if not same_site(c.url, hosts):
        host = urlparse(c.url).hostname or c.url
        if c.years and not in_period(c.years, fresh, year) and fresh is not Freshness.none:
            return by_years(c.years, "หลักฐาน")
        what = external_kind(c.url) or host
        return _Verdict(Status.unverified, f"หลักฐานอยู่นอกเว็บไซต์ ({what}) ต้องเปิดตรวจเอง: {c.url}",
                        span_years(c.years), c)
    if rule.must_work and url_kind(c.url) != "html":  # a form to print is not an online channel
        return _Verdict(Status.missing, f"เป็นไฟล์ ไม่ใช่ช่องทางออนไลน์ที่ใช้งานได้: {c.url}", [], c)
    target = readings.get(c.url)
    if target is None and url_kind(c.url) == "image":  # an org chart or a poster: not fetched
        if c.years or fresh is Freshness.none:
            return by_years(c.years, "รูปภาพ")
        return by_filing(_Verdict(Status.unverified, "เป็นรูปภาพ ไม่ระบุปี ต้องเปิดตรวจเอง", [], c))
    if target is None:
        return _Verdict(Status.unverified, "ยังไม่ได้เปิดตรวจลิงก์นี้ (ครบงบการค้นหาของเว็บไซต์)", [], c)
    if _broken(target):
        return _Verdict(Status.missing, f"ลิงก์หลักฐานเสีย (ไม่พบหน้า): {c.url}", [], c)
    # what the page itself links for the item (not its menu: a dead "ติดต่อเรา" in the footer
    # says nothing about the contact page it sits on)
    children = [] if nested else [k for k in target.candidates if k.code == rule.code and k.url != c.url
                                  and not k.menu and not _is_index(readings.get(k.url))]
    if children and all(_broken(readings.get(k.url)) for k in children):
        return _Verdict(Status.missing, f"หน้านี้มีแต่ลิงก์เอกสารที่เสีย: {c.url}", [], c)
    if target.error:
        return _Verdict(Status.unverified, f"เปิดหลักฐานไม่ได้ ({target.error}): {c.url}", [], c)
    if target.scanned:  # no text to read: only the link, the file name and the page can tell the year
        sp = c.years or target.name_years or c.page_years
        if sp or fresh is Freshness.none:
            return by_years(sp, "หลักฐาน (เอกสารสแกน)")
        return _Verdict(Status.unverified, "เป็นเอกสารสแกน ไม่มีข้อความให้ตรวจปี ต้องเปิดตรวจเอง", [], c)
    if target.placeholder:
        return _Verdict(Status.missing, f"หน้าหลักฐานยังไม่มีข้อมูล (อยู่ระหว่างปรับปรุง): {c.url}", [], c)
    if rule.match.mentions and target.kind == "html" and rule.code not in target.mentions:
        return _Verdict(Status.missing, f"หน้าที่ลิงก์ไปไม่ใช่{rule.name}: {c.url}", [], c)
    # the year a document states outranks the one the page listing it states ("... ประจำปี
    # 2566" above a "ดาวน์โหลด"), which outranks dates in its text and the index it is filed under
    layers = ((c.years, "หลักฐาน"), (target.head_years, "เอกสาร"), (c.page_years, "หลักฐาน"),
              (target.body_years, "ข้อมูล"))
    if rule.years_anywhere:
        layers = ((c.years + target.head_years + c.page_years + target.body_years, "หลักฐาน"),)
    sp, what = next(((sp, what) for sp, what in layers if sp), ([], ""))
    if target.ocr and what != "หลักฐาน":  # the years were read by OCR: worth a look by a person
        what += " (อ่านจากภาพด้วย OCR) "
    own = by_years(sp, what) if sp or fresh is Freshness.none else None
    if children:  # a page for the item that links its documents: the page when it tells as much,
        # else the best of them
        kid = _best([_judge(k.model_copy(update={"filed": sorted(set(k.filed) | set(c.filed))}), rule,
                            rules, readings, hosts, as_of_fy, nested=True) for k in children], year)
        # a page about a channel that links the channel elsewhere (a Google Form) is not it,
        # unless it holds a form of its own
        better = own is not None and _RANK[own.status] < _RANK[kid.status] and (not rule.must_work or target.form)
        return own if better or own is not None and own.status is kid.status else kid
    return own or by_filing(_Verdict(Status.unverified, f"พบหลักฐานแต่ไม่ระบุปี และไม่ได้อยู่ในหน้า "
                                                        f"ITA/OIT ปี {year}", [], c))


def evaluate_item(rule: ItemRule, rules: RuleSet, candidates: list[Candidate],
                  readings: dict[str, Reading], hosts: tuple[str, ...], pages: int, partial: bool,
                  as_of_fy: int, unrendered: str = "") -> ItemResult:
    needed = years_needed(rule.freshness, rules.year)
    base = dict(code=rule.code, name=rule.name, years_needed=needed, hint=rule.expect,
                previous=renumbered(rule))
    # an ITA index or topic page is where evidence is filed, not evidence itself
    candidates = [c for c in candidates if not _is_index(readings.get(c.url))]
    if not candidates and unrendered:  # the item may be on a page only a browser can show
        return ItemResult(status=Status.unverified, reason=f"ยังไม่พบ แต่บางหน้าสร้างด้วย JavaScript และเปิดด้วย"
                                                           f"เบราว์เซอร์ไม่ได้ ({unrendered})", **base)
    if not candidates and partial:  # the crawl stopped before it had looked everywhere
        return ItemResult(status=Status.unverified, reason=f"ยังไม่พบใน {pages} หน้าที่ตรวจ แต่ตรวจเว็บไซต์ไม่ครบ",
                          **base)
    if not candidates:
        return ItemResult(status=Status.missing, reason=f"ไม่พบในเว็บไซต์ (ตรวจ {pages} หน้า)", **base)
    verdicts = sorted((_judge(c, rule, rules, readings, hosts, as_of_fy) for c in candidates),
                      key=lambda v: _order(v, rules.year))
    best = verdicts[0].status
    chosen = [v for v in verdicts if v.status is best]
    evidence: dict[str, Evidence] = {}
    for v in chosen:
        evidence.setdefault(v.candidate.url, Evidence(url=v.candidate.url, text=v.candidate.text,
                                                      years=v.years))
    seen = sorted({y for v in verdicts for y in v.years})
    if best is Status.missing:  # a broken link is named in the reason, never offered as evidence
        evidence = {}
    return ItemResult(status=best, evidence=list(evidence.values())[:5], reason=chosen[0].reason,
                      years_seen=seen, **base)


def _merge(cands: list[Candidate]) -> Candidate:
    """One candidate per (item, URL): the strongest tie, with the years and filings of all."""
    cands = sorted(cands, key=lambda c: (-_HOW[c.how], -c.specificity))
    years = next((c.years for c in cands if c.years), [])
    page_years = next((c.page_years for c in cands if c.page_years), [])
    return cands[0].model_copy(update={"years": years, "page_years": page_years, "filed": sorted({y for c in cands for y in c.filed}),
                                       "listed": any(c.listed for c in cands)})


def _groups(rules: RuleSet, readings: dict[str, Reading]) -> dict[str, dict[str, list[Candidate]]]:
    """item code -> URL -> the candidates for it, from every page read. A document the agency
    listed under items on its index of the rule year (or of no year) is evidence of those items
    only: the annual procurement report filed under its own item is not also the procurement
    list, however its title reads."""
    filing: dict[str, set[str]] = {}
    for reading in readings.values():
        for c in reading.candidates:
            if c.listed and (not c.filed or rules.year in c.filed):
                filing.setdefault(c.url, set()).add(c.code)
    groups: dict[str, dict[str, list[Candidate]]] = {item.code: {} for item in rules.items}
    for reading in readings.values():
        for c in reading.candidates:
            if c.code in filing.get(c.url, (c.code,)):
                groups.setdefault(c.code, {}).setdefault(c.url, []).append(c)
    return groups


def found_items(rules: RuleSet, home: str, readings: dict[str, Reading], as_of: dt.date,
                hosts: tuple[str, ...] = ()) -> set[str]:
    """The items `evaluate` would report found, without building the result: what the crawl asks
    every few pages to know whether anything is left to look for."""
    hosts, as_of_fy, groups = hosts or (home,), fiscal_year(as_of), _groups(rules, readings)
    return {rule.code for rule in rules.items
            if any(_judge(_merge(g), rule, rules, readings, hosts, as_of_fy).status is Status.found
                   for url, g in groups[rule.code].items() if not _is_index(readings.get(url)))}


TARGET = 85  # provinces want every agency at 85 points or more


def _band(rules: RuleSet, score: float) -> str:
    return next((b.band for b in rules.bands if score >= b.min), rules.bands[-1].band)


def evaluate(rules: RuleSet, home: str, readings: dict[str, Reading], as_of: dt.date,
             site_error: str = "", partial: bool = False, site_id: str = "",
             hosts: tuple[str, ...] = (), rendered: int = 0, unrendered: str = "") -> CheckResult:
    """The result of one site. `hosts`: the site's addresses (home, where it redirected);
    `partial`: a budget stopped the crawl before it had looked everywhere; `site_error`: the
    site could not be crawled at all; `rendered`: pages read through the browser;
    `unrendered`: why a page that needed the browser was read without it."""
    pages = sum(1 for r in readings.values() if not r.error)
    groups = _groups(rules, readings)
    if site_error:
        items = [ItemResult(code=r.code, name=r.name, status=Status.unverified,
                            reason=f"เข้าเว็บไซต์ไม่ได้ ({site_error})", hint=r.expect, previous=renumbered(r),
                            years_needed=years_needed(r.freshness, rules.year)) for r in rules.items]
    else:
        hosts = hosts or (home,)
        items = [evaluate_item(r, rules, [_merge(g) for g in groups[r.code].values()], readings,
                               hosts, pages, partial, fiscal_year(as_of), unrendered) for r in rules.items]
    score = round(100 * sum(i.status is Status.found for i in items) / len(items), 2)
    status = "unreachable" if site_error else ("partial" if partial or unrendered else "ok")
    failures = [Failure(url=r.url, error=r.error, http_status=r.http_status)  # by URL: runs compare
                for r in sorted(readings.values(), key=lambda r: r.url) if r.error]
    return CheckResult(site=SiteInfo(id=site_id, url=home, status=status, pages_fetched=pages,
                                     pages_rendered=rendered, error=site_error or unrendered),
                       failures=failures,
                       rules=RulesInfo(year=rules.year, items=len(rules.items), provisional=rules.provisional),
                       as_of=as_of,
                       score=score, band=_band(rules, score), items=items)


def as_of_for(rules: RuleSet, as_of: dt.date | str | None, today: dt.date | None = None) -> dt.date:
    """The date that "recent" is judged at: given, or today, no later than the answering window
    of the rule year (a 2568 check run in 2026 is judged as of mid-2025) and no earlier than the
    start of its fiscal year (a 2570 check in December 2026 is judged as of today, not of 2027)."""
    if isinstance(as_of, str):
        return dt.date.fromisoformat(as_of)
    if as_of is not None:
        return as_of
    today = today or dt.date.today()
    earliest = min(fiscal_year_start(rules.year), rules.answer_window.start)
    return min(max(today, earliest), rules.answer_window.end)
