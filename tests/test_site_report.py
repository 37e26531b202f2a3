"""What a provincial coordinator sees in the HTML site of a run (reports/site.py)."""
from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from statistics import fmean
from urllib.parse import unquote, urlsplit

import pytest

from browsing import assert_thai_font, open_page
from crawler import rules
from crawler.models import (
    Agency, AgencyResult, Changes, CheckResult, Evidence, HistoryPoint, ItemResult, RulesInfo, Run,
    RunReport, SiteInfo, Status,
)
from crawler.results import changes, trend_point
from reports import labels, site

HOSTILE = "<script>alert(1)</script>"
RULES = rules.load("2568")
CODES = [i.code for i in RULES.items]
DATES = [dt.datetime(2025, 1, 15, 1, 0), dt.datetime(2025, 2, 15, 1, 0), dt.datetime(2025, 3, 15, 1, 0)]

MUEANG, NAKLANG, SRIBOON = "เมืองหนองบัวลำภู", "นากลาง", "ศรีบุญเรือง"
TESSABAN, ABT = "เทศบาลตำบล", "องค์การบริหารส่วนตำบล"
AGENCIES = {
    "nongbua.go.th": ("เทศบาลตำบลหนองบัว", MUEANG, TESSABAN),
    "nonsang.go.th": ("องค์การบริหารส่วนตำบลโนนสัง", NAKLANG, ABT),
    "kuddinchee.go.th": ("องค์การบริหารส่วนตำบลกุดดินจี่", NAKLANG, ABT),
    "nalao.go.th": (f"เทศบาลตำบลนาเหล่า {HOSTILE}", SRIBOON, TESSABAN),
    "sriboonruang.go.th": ("องค์การบริหารส่วนตำบลศรีบุญเรือง", SRIBOON, ABT),
    "nonmueang.go.th": ("เทศบาลตำบลโนนเมือง", MUEANG, TESSABAN),
    "old-abt.go.th": ("องค์การบริหารส่วนตำบลเก่า", NAKLANG, ABT),
}
M, S, U = Status.missing, Status.stale, Status.unverified
# agency id -> per run (None: not in that run's list; "down": unreachable; else the items not found)
PLAN: dict[str, list] = {
    "nongbua.go.th": [{"O22": M}, {}, {"O22": U}],
    "nonsang.go.th": [
        {"O5": S, "O7": S, "O14": S, "O19": M, "O24": M, "O25": M, "O26": M, "O27": M, "O28": M},
        {"O5": S, "O7": S, "O14": S, "O19": M, "O24": M, "O25": M, "O26": M, "O27": M},
        {"O5": S, "O7": S, "O14": S, "O18": M, "O19": M, "O24": M, "O25": M, "O26": M},
    ],
    "kuddinchee.go.th": [{"O4": S}, {"O4": S, "O13": M, "O23": M}, "down"],
    "nalao.go.th": [{"O11": S, "O10": U}, {"O11": S, "O10": U}, {"O10": U, "O24": M}],
    "sriboonruang.go.th": [{"O4": S}, "down", {"O4": S, "O6": S, "O12": U, "O20": M}],
    "nonmueang.go.th": [None, None, {c: M for c in ("O21", "O22", "O23", "O27", "O28")}],
    "old-abt.go.th": [{"O1": M}, {"O1": M}, None],
}


def make_item(aid: str, n: int, status: Status) -> ItemResult:
    rule = RULES.items[n - 1]
    base = f"https://www.{aid}/ita/2568/o{n}.pdf"
    evidence, reason, seen, needed = {
        Status.found: ([Evidence(url=base, text=rule.name, years=[2568])], "พบในหน้า ITA 2568", [2568], [2568]),
        Status.stale: ([Evidence(url=base.replace("2568", "2566"), text=f"{rule.name} 2566", years=[2566])],
                       "พบของปี 2566 แต่ต้องเป็นปี 2568", [2566], [2568]),
        Status.missing: ([], f"ไม่พบ{rule.name}", [], [2568]),
        Status.unverified: ([Evidence(url=f"https://drive.google.com/file/d/{aid}-{n}/view", text=rule.name)],
                            "หลักฐานอยู่ใน Google Drive ซึ่งโปรแกรมเปิดอ่านไม่ได้", [], [2568]),
    }[status]
    return ItemResult(code=rule.code, name=rule.name, status=status, evidence=evidence, reason=reason,
                      years_seen=seen, years_needed=needed, hint="" if status is Status.found else rule.expect)


def make_result(aid: str, plan) -> CheckResult:
    down = plan == "down"
    items = [make_item(aid, n, U if down else plan.get(f"O{n}", Status.found)) for n in range(1, 29)]
    if down:
        for item in items:
            item.evidence, item.reason = [], "เข้าเว็บไซต์ไม่ได้"
    score = round(100 * sum(i.status is Status.found for i in items) / 28, 2)
    return CheckResult(
        site=SiteInfo(url=f"https://www.{aid}/", status="unreachable" if down else "ok",
                      pages_fetched=0 if down else 64, pages_rendered=0 if down else 3,
                      error="timeout" if down else ""),
        rules=RulesInfo(year=2568, items=28), as_of=dt.date(2025, 3, 15), score=score,
        band=next(b.band for b in RULES.bands if score >= b.min), items=items,
    )


def run_results(k: int) -> list[AgencyResult]:
    out = []
    for aid, plans in PLAN.items():
        if plans[k] is None:
            continue
        name, district, kind = AGENCIES[aid]
        agency = Agency(id=aid, name=name, url=f"https://www.{aid}/", province="หนองบัวลำภู",
                        district=district, type=kind)
        out.append(AgencyResult(agency=agency, result=make_result(aid, plans[k])))
    return out


def make_report(runs: int = 3) -> RunReport:
    all_runs = [Run(id=k + 1, started=DATES[k], finished=DATES[k] + dt.timedelta(hours=2), status="complete",
                    rules_year=2568, as_of=DATES[k].date(), agencies=6) for k in range(3)][3 - runs:]
    by_run = [run_results(r.id - 1) for r in all_runs]
    current = by_run[-1]
    nalao = next(a for a in current if a.agency.id == "nalao.go.th").result
    nalao.items[9].evidence = [Evidence(url="javascript:alert(document.cookie)", text=HOSTILE)]
    nalao.items[23].reason = f"ไม่พบรายงาน {HOSTILE}"
    history = {
        a.agency.id: [HistoryPoint(run_id=r.id, date=r.started.date(), score=x.result.score,
                                   site_status=x.result.site.status, items={i.code: i.status for i in x.result.items})
                      for r, results in zip(all_runs, by_run) for x in results if x.agency.id == a.agency.id]
        for a in current
    }
    return RunReport(
        run=all_runs[-1], items=[(i.code, i.name) for i in RULES.items], target=85.0, agencies=current,
        history=history,
        changes=changes(current, by_run[-2], all_runs[-2].id) if runs > 1 else Changes(),
        trend=[trend_point(r, results) for r, results in zip(all_runs, by_run)],
    )


class Links(HTMLParser):
    """Every URL-bearing attribute, every id, and the <script> elements of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()
        self.scripts = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("href", "src", "srcset", "action", "poster", "data", "formaction", "xlink:href"):
                self.refs.append((tag, name, value or ""))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[RunReport, Path]:
    out = tmp_path_factory.mktemp("site")
    report = make_report()
    index = site.write(report, out, generated_at=dt.datetime(2025, 3, 15, 7, 30))
    assert index == out / "index.html"
    return report, out


def pages(out: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in out.rglob("*.html")}


def agency_page(out: Path, name_part: str) -> str:
    return next(t for p, t in pages(out).items() if p.parent.name == "agency" and name_part in t.split("</h1>")[0])


def matrix_rows(index: str) -> list[str]:
    body = index.split('id="mx"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr [^>]*data-name=.*?</tr>", body, re.S)


# ---------------------------------------------------------------- structure and numbers


def test_every_agency_and_item_page_exists_and_is_linked_from_the_overview(built):
    report, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    hrefs = {v.split("#")[0] for tag, attr, v in Links(index).refs if tag == "a"}
    agency_pages = sorted((out / "agency").glob("*.html"))

    assert len(agency_pages) == 6
    assert {f"agency/{p.name}" for p in agency_pages} <= hrefs
    for code in CODES:
        assert (out / "item" / f"{code}.html").is_file() and f"item/{code}.html" in hrefs
    assert "changes.html" in hrefs
    assert all(re.fullmatch(r"[a-z0-9-]+\.html", p.name) for p in agency_pages)
    assert '<html lang="th">' in index and "ITA/OIT พ.ศ. 2568" in index and "15 มี.ค. 2568" in index


def test_matrix_has_28_status_cells_per_agency_worst_first(built):
    report, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    rows = matrix_rows(index)

    assert len(rows) == 6
    for row in rows:
        cells = re.findall(r'<td class="c s-(\w+)"><a href="agency/[a-z0-9-]+\.html#(O\d+)" title="([^"]*)">(.)</a>', row)
        assert [c[1] for c in cells] == CODES
        for status, code, title, mark in cells:
            assert mark == labels.STATUS_MARK[Status(status)]  # a symbol, not colour alone
            assert title.startswith(f"{code} {labels.STATUS[Status(status)].th}")
            assert status == "found" or len(title) > len(f"{code} {labels.STATUS[Status(status)].th}: ")  # why
    names = [re.search(r'data-name="([^"]*)"', r).group(1) for r in rows]
    assert names[0] == "องค์การบริหารส่วนตำบลกุดดินจี่"  # unreachable first, then by score
    scores = [float(re.search(r'data-score="([^"]*)"', r).group(1)) for r in rows]
    assert scores == sorted(scores)
    assert "เข้าไม่ได้" in rows[0] and "ไม่พบ" not in rows[0]


def test_summary_numbers(built):
    report, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    scores = [a.result.score for a in report.agencies]

    # below 85: โนนสัง 71.43, โนนเมือง 82.14 and the unreachable กุดดินจี่ (scored 0, as crawler.results counts)
    assert sorted(scores) == [0.0, 71.43, 82.14, 85.71, 92.86, 96.43]
    assert re.search(r'id="below-target">3<', index)
    assert re.search(rf'id="mean-score">{fmean(scores):.2f}<', index)
    assert f"{fmean(scores):.2f}" == f"{report.trend[-1].mean_score:.2f}"  # tiles agree with the trend
    assert f"เฉพาะเว็บไซต์ที่ตรวจได้ {fmean(s for s in scores if s):.2f}" in index
    assert re.search(r'id="unreachable">1<', index)
    found = sum(i.status is Status.found for a in report.agencies for i in a.result.items)
    assert f"{labels.STATUS[Status.found].th} {found}<" in index


def test_groups_by_district_and_type(built):
    _, out = built
    index = (out / "index.html").read_text(encoding="utf-8")
    for value in (MUEANG, NAKLANG, SRIBOON, TESSABAN, ABT):
        assert f'<option value="{value}">' in index
        assert f'data-value="{value}"' in index
    assert index.count(f'data-district="{NAKLANG}"') == 2


def test_trend_chart_draws_every_run_and_one_point_gracefully(tmp_path):
    three = site.write(make_report(3), tmp_path / "three").read_text(encoding="utf-8")
    one = site.write(make_report(1), tmp_path / "one").read_text(encoding="utf-8")

    assert three.count("<circle") == 6 and three.count("<polyline") == 2
    assert one.count("<circle") == 2 and "<polyline" not in one
    assert "มีผลการตรวจรอบเดียว" in one
    changes_page = (tmp_path / "one" / "changes.html").read_text(encoding="utf-8")
    assert "นี่เป็นการตรวจครั้งแรก" in changes_page and "ไม่มีรอบก่อนหน้า" in changes_page


# ---------------------------------------------------------------- agency and item pages


def test_agency_page_items_evidence_and_history(built):
    report, out = built
    page = agency_page(out, "องค์การบริหารส่วนตำบลโนนสัง")

    for code in CODES:
        assert f'id="{code}"' in page
    assert 'href="https://www.nonsang.go.th/ita/2568/o1.pdf"' in page  # full URL to paste into ITAS
    assert "ไม่พบช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ" in page  # the reason
    assert RULES.item("O18").expect in page  # what the assessor expects
    assert "ปีที่พบ: 2566" in page and "ปีที่ต้องการ: 2568" in page
    assert "71.43" in page and "ระดับ C" in page and "ต่ำกว่า 85" in page
    o18 = page.split('id="O18"')[1].split("</tr>")[0]
    assert "ย้อนหลัง 3 รอบ" in o18
    assert re.findall(r'class="hc s-(\w+)" title="([^"]*)"', o18) == [
        ("found", "15 ม.ค. 2568: ผ่าน (พบ)"), ("found", "15 ก.พ. 2568: ผ่าน (พบ)"), ("missing", "15 มี.ค. 2568: ไม่พบ")]


def test_unreachable_agency_is_never_shown_as_missing(built):
    _, out = built
    page = agency_page(out, "กุดดินจี่")

    assert "ตรวจสอบเว็บไซต์ไม่ได้" in page and labels.SITE_ERRORS["timeout"] in page
    assert page.index("ตรวจสอบเว็บไซต์ไม่ได้") < page.index('id="O1"')
    assert '<tr class="s-missing"' not in page and page.count('<tr class="s-unverified"') == 28
    assert "คำนวณคะแนนไม่ได้" in page


def test_agency_page_counts_external_and_unverified_evidence(built):
    _, out = built
    page = agency_page(out, "องค์การบริหารส่วนตำบลศรีบุญเรือง")
    text = " ".join(page.split())
    assert "ตรวจสอบไม่ได้ <b>1</b> รายการ" in text  # O12 in Google Drive
    assert "หลักฐานอยู่นอกเว็บไซต์หลัก (เช่น Google Drive, Facebook) <b>1</b> ลิงก์" in text
    assert "ดึงข้อมูล 64 หน้า (เปิดด้วยเบราว์เซอร์ 3 หน้า)" in text


def test_overview_totals_what_needs_a_look_by_hand(built):
    report, out = built
    text = " ".join((out / "index.html").read_text(encoding="utf-8").split())
    reachable = [a for a in report.agencies if a.result.site.status != "unreachable"]
    external = sum(urlsplit(e.url).hostname != urlsplit(a.agency.url).hostname for a in report.agencies
                   for i in a.result.items for e in i.evidence)
    assert f'<b id="external">{external}</b> ลิงก์' in text and external > 0
    assert f'<b id="rendered">{3 * len(reachable)}</b> หน้า' in text


def test_item_page_lists_who_misses_it_and_how_many_pass(built):
    _, out = built
    page = (out / "item" / "O24.html").read_text(encoding="utf-8")
    missing = page.split('id="missing"')[1].split("</section>")[0]

    assert "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยง" in page.split("</h1>")[0]
    assert "โนนสัง" in missing and "นาเหล่า" in missing and "หนองบัว" not in missing
    assert "ไม่พบรายงาน &lt;script&gt;" in missing
    assert "กุดดินจี่" in page.split('id="down"')[1] and "กุดดินจี่" not in missing
    assert "3 จาก 6 หน่วยงาน" in page  # หนองบัว, ศรีบุญเรือง, โนนเมือง pass
    assert RULES.item("O24").expect in page
    stale = (out / "item" / "O5.html").read_text(encoding="utf-8").split('id="stale"')[1].split("</section>")[0]
    assert "โนนสัง" in stale and 'href="https://www.nonsang.go.th/ita/2566/o5.pdf"' in stale


def test_changes_page_lists_gaps_fixes_and_sites(built):
    report, out = built
    page = (out / "changes.html").read_text(encoding="utf-8")
    gaps = page.split("รายการที่หายไป")[1].split("</section>")[0]
    fixed = page.split("รายการที่แก้ไขแล้ว")[1].split("</section>")[0]
    sections = page.split("<h2>")

    assert report.changes.new_gaps and report.changes.fixed
    for c in report.changes.new_gaps:
        assert f"#{c.code}\">{c.code}</a>" in gaps
    assert "โนนสัง" in gaps and "O18" in gaps and "หนองบัว" not in gaps
    # found before, could not look this time: shown apart, never as a new gap
    unverifiable = page.split("ตรวจสอบไม่ได้ (ต้องเปิดตรวจเอง")[1].split("</section>")[0]
    assert "หนองบัว" in unverifiable and "O22" in unverifiable
    assert "โนนสัง" in fixed and "O27" in fixed and "นาเหล่า" in fixed and "O11" in fixed
    assert "เทียบกับรอบที่ 2" in page and "15 ก.พ. 2568" in page
    became_down = next(s for s in sections if s.startswith("เว็บไซต์ที่เข้าไม่ได้"))
    assert "กุดดินจี่" in became_down and labels.SITE_ERRORS["timeout"] in became_down
    assert "ศรีบุญเรือง" in next(s for s in sections if s.startswith("เว็บไซต์ที่กลับมาเข้าได้"))
    assert "โนนเมือง" in next(s for s in sections if s.startswith("หน่วยงานที่เพิ่มเข้ามา"))
    assert "old-abt.go.th" in next(s for s in sections if s.startswith("หน่วยงานที่ถูกนำออก"))


# ---------------------------------------------------------------- safety and portability


def test_hostile_text_is_escaped_and_never_a_link(built):
    _, out = built
    for path, text in pages(out).items():
        links = Links(text)
        assert HOSTILE not in text, path
        assert links.scripts == (1 if path.name == "index.html" else 0), path  # only our own filter script
        assert not any(v.strip().lower().startswith("javascript:") for _, _, v in links.refs), path
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "เทศบาลตำบลนาเหล่า &lt;script&gt;alert(1)&lt;/script&gt;" in index
    page = agency_page(out, "นาเหล่า")
    assert "javascript:alert(document.cookie)" in page  # shown, as text
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in page


def test_no_external_resources_only_evidence_and_site_links(built):
    report, out = built
    allowed = {e.url for a in report.agencies for i in a.result.items for e in i.evidence}
    allowed |= {a.agency.url for a in report.agencies}
    for path, text in pages(out).items():
        for tag, attr, value in Links(text).refs:
            assert (tag, attr) == ("a", "href"), f"{path.name}: {tag} {attr}={value}"
            if urlsplit(value).scheme or value.startswith("//"):
                assert value in allowed, f"{path.name}: {value}"
        assert not re.search(r"url\(|@import|<link|<img|<iframe|<object|<embed", text), path


def test_relative_links_resolve_inside_the_folder(built):
    _, out = built
    every = pages(out)
    ids = {p.resolve(): Links(t).ids for p, t in every.items()}
    checked = 0
    for path, text in every.items():
        for _, _, value in Links(text).refs:
            parts = urlsplit(value)
            if parts.scheme or value.startswith("//"):
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path.resolve()
            assert target.is_relative_to(out.resolve()) and target.is_file(), f"{path.name}: {value}"
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], f"{path.name}: {value}"
            checked += 1
    assert checked > 6 * 28  # every matrix cell at least


def test_rewrite_drops_pages_of_agencies_no_longer_listed(tmp_path):
    report = make_report()
    site.write(report, tmp_path)
    report.agencies = [a for a in report.agencies if a.agency.id != "nonmueang.go.th"]
    site.write(report, tmp_path)
    assert len(list((tmp_path / "agency").glob("*.html"))) == 5
    assert "nonmueang" not in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_file_names_are_ascii_and_distinct_for_thai_ids(tmp_path):
    report = make_report()
    for n, a in enumerate(report.agencies[:2]):
        a.agency.id = f"อบต{n}.ไทย"
    site.write(report, tmp_path)
    names = [p.name for p in (tmp_path / "agency").glob("*.html")]
    assert len(names) == 6 and all(n.isascii() for n in names)


# ---------------------------------------------------------------- in a real browser

def test_browser_filter_sort_and_thai_font(built, browser, tmp_path):
    _, out = built
    page, errors = open_page(browser, out / "index.html")
    rows = page.locator("#mx tbody tr")

    assert page.locator("#tools").is_visible()
    page.select_option("#f-district", NAKLANG)
    assert rows.count() == 6 and page.locator("#mx tbody tr:visible").count() == 2
    assert page.locator("#f-shown").inner_text() == "2"
    page.select_option("#f-type", TESSABAN)
    assert page.locator("#mx tbody tr:visible").count() == 0
    page.select_option("#f-district", "")
    assert page.locator("#mx tbody tr:visible").count() == 3
    page.select_option("#f-type", "")
    page.check("#f-low")
    assert page.locator("#mx tbody tr:visible").count() == 3  # โนนสัง, โนนเมือง, กุดดินจี่ (down)
    page.uncheck("#f-low")
    page.select_option("#f-sort", "score-desc")
    assert rows.first.get_attribute("data-name") == "เทศบาลตำบลหนองบัว"
    page.click(f'a[data-value="{SRIBOON}"]')
    assert page.locator("#mx tbody tr:visible").count() == 2

    assert_thai_font(page, "h1")
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert (tmp_path / "index.png").stat().st_size > 10_000
    assert errors == []
    page.close()


@pytest.mark.parametrize("name", ["agency", "changes.html"])
def test_browser_other_pages_have_no_errors(built, browser, tmp_path, name):
    _, out = built
    path = out / "agency" / "nalao-go-th.html" if name == "agency" else out / name
    page, errors = open_page(browser, path, width=390)
    assert page.locator("h1").is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, "the page scrolls sideways on a phone"
    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert errors == []
    page.close()


def test_browser_without_javascript_shows_everything_worst_first(built, browser):
    _, out = built
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((out / "index.html").as_uri())
    assert not page.locator("#tools").is_visible()  # controls that need a script stay hidden
    assert page.locator("#mx tbody tr:visible").count() == 6
    assert page.locator("#mx tbody tr").first.get_attribute("data-name") == "องค์การบริหารส่วนตำบลกุดดินจี่"
    assert "คะแนนน้อยไปมาก" in page.locator("#order-note").inner_text()
    context.close()
