"""Item statuses as a clerk reads them: found / stale / missing / unverified, with the reason.

Each case builds a tiny site from HTML and runs the real chain (extract -> classify -> evaluate)
without a network: what the spider would have fetched is given as {url: (status, html)}.
"""
import datetime as dt
from pathlib import Path

import pytest

from crawler import classify, extract, rules
from crawler.evaluate import as_of_for, evaluate, found_items
from crawler.models import Page, Status

HOME = "http://abt.example/"
RULES = rules.load("2568")
MATCHER = classify.Matcher(RULES)
AS_OF = dt.date(2025, 3, 20)
FARM = Path(__file__).resolve().parents[1] / "samples" / "farm"


def check(pages: dict[str, tuple[int, str]], site_error: str = ""):
    """{path: (http status, html)} -> CheckResult; the home page's links are the site menu."""
    readings, nav = {}, frozenset()
    for depth, (path, (status, html)) in enumerate(pages.items()):
        url = HOME.rstrip("/") + path
        fields = extract.read(url, "text/html", html.encode()) if status == 200 else {"kind": "html"}
        page = Page(url=url, depth=min(depth, 1), http_status=status,
                    error="" if status == 200 else f"http-{status}", **fields)
        readings[url] = classify.read(page, MATCHER, nav)
        if depth == 0:
            nav = frozenset(link.url for link in page.links)
    return {i.code: i for i in evaluate(RULES, HOME, readings, AS_OF, site_error=site_error).items}


def doc(title: str, body: str = "") -> tuple[int, str]:
    return 200, f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>{body}</p></body></html>"


def test_current_plan_is_found_with_its_url():
    items = check({"/": (200, '<a href="/p.html">แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ ๒๕๖๘</a>'),
                   "/p.html": doc("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2568")})
    assert items["O25"].status is Status.found
    assert [e.url for e in items["O25"].evidence] == [HOME + "p.html"]
    assert items["O25"].evidence[0].years == [2568]


def test_old_plan_is_stale_and_says_which_year_it_shows_and_needs():
    items = check({"/": (200, '<a href="/p.html">แผนปฏิบัติการป้องกันการทุจริต ปี 2566</a>'),
                   "/p.html": doc("แผนปฏิบัติการป้องกันการทุจริต 2566")})
    o25 = items["O25"]
    assert o25.status is Status.stale
    assert o25.years_seen == [2566] and o25.years_needed == [2568]
    assert "2566" in o25.reason and "2568" in o25.reason


def test_previous_year_report_is_what_o26_needs():
    items = check({"/": (200, '<a href="/r.html">รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567</a>'
                               '<a href="/q.html">รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2565</a>'),
                   "/r.html": doc("รายงานผล 2567"), "/q.html": doc("รายงานผล 2565")})
    assert items["O26"].status is Status.found
    assert [e.url for e in items["O26"].evidence] == [HOME + "r.html"]
    assert items["O26"].years_seen == [2565, 2567]


@pytest.mark.parametrize("plan, status", [("พ.ศ. 2566-2570", Status.found),
                                          ("(พ.ศ. ๒๕๖๖ - ๒๕๗๐)", Status.found),
                                          ("พ.ศ. 2561-2565", Status.stale)])
def test_multi_year_plan_must_cover_the_year(plan, status):
    items = check({"/": (200, f'<a href="/plan.html">แผนพัฒนาท้องถิ่น {plan}</a>'),
                   "/plan.html": doc("แผนพัฒนาท้องถิ่น")})
    assert items["O5"].status is status


def test_no_year_counts_when_filed_under_the_ita_index_of_the_year():
    index = """<title>ITA 2568</title><h1>การประเมินคุณธรรมและความโปร่งใส ปี 2568</h1><table>
      <tr><td>O23</td><td>การประเมินความเสี่ยงการทุจริต</td><td><a href="/risk.html">คลิก</a></td></tr></table>"""
    items = check({"/": (200, '<a href="/ita.html">ITA</a>'), "/ita.html": (200, index),
                   "/risk.html": doc("การประเมินความเสี่ยง")})
    assert items["O23"].status is Status.found
    assert "2568" in items["O23"].reason


def test_no_year_under_last_years_index_is_stale():
    index = """<title>ITA 2567</title><h1>ITA 2567</h1><table>
      <tr><td>O23</td><td>การประเมินความเสี่ยงการทุจริต</td><td><a href="/risk.html">คลิก</a></td></tr></table>"""
    items = check({"/": (200, '<a href="/ita.html">ITA</a>'), "/ita.html": (200, index),
                   "/risk.html": doc("การประเมินความเสี่ยง")})
    assert items["O23"].status is Status.stale


def test_no_year_outside_any_index_is_unverified_not_missing():
    items = check({"/": (200, '<a href="/risk.html">การประเมินความเสี่ยงการทุจริต</a>'),
                   "/risk.html": doc("การประเมินความเสี่ยงการทุจริต")})
    assert items["O23"].status is Status.unverified
    assert "ไม่ระบุปี" in items["O23"].reason


def test_items_without_a_freshness_rule_need_no_year():
    items = check({"/": (200, '<a href="/s.html">โครงสร้างองค์กร</a>'), "/s.html": doc("โครงสร้าง")})
    assert items["O1"].status is Status.found


def test_broken_link_is_not_evidence_and_is_named():
    items = check({"/": (200, '<a href="/gone.pdf">คู่มือการปฏิบัติงาน</a>'), "/gone.pdf": (404, "")})
    assert items["O8"].status is Status.missing
    assert HOME + "gone.pdf" in items["O8"].reason


def test_external_evidence_is_unverified_and_says_what_and_where():
    items = check({"/": (200, '<a href="https://drive.google.com/file/d/x">มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน</a>'
                              '<a href="https://bit.ly/3abc">แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2568</a>'
                              '<a href="https://www.facebook.com/abt/posts/1">ข่าวประชาสัมพันธ์ 15 ม.ค. 2568</a>')})
    assert {items[c].status for c in ("O27", "O25", "O4")} == {Status.unverified}
    assert "Google Drive" in items["O27"].reason and "https://drive.google.com/file/d/x" in items["O27"].reason
    assert items["O27"].evidence[0].url == "https://drive.google.com/file/d/x"
    assert "ลิงก์ย่อ" in items["O25"].reason and "Facebook" in items["O4"].reason


def test_current_evidence_wins_over_an_old_one():
    items = check({"/": (200, '<a href="/a.html">คู่มือการปฏิบัติงาน</a><a href="/c.html">ข่าวประชาสัมพันธ์</a>'),
                   "/a.html": doc("คู่มือ"), "/c.html": doc("ข่าว", "15 ม.ค. 2566 ข่าวเก่า 3 ธ.ค. 2567 ข่าวใหม่")})
    assert items["O4"].status is Status.found  # a news page with a date in FY 2568


def test_unreachable_site_is_never_missing():
    items = check({"/": (200, "")}, site_error="dns")
    assert {i.status for i in items.values()} == {Status.unverified}
    assert "dns" in items["O1"].reason


def test_missing_item_says_how_much_was_looked_at():
    items = check({"/": (200, "<p>ยินดีต้อนรับ</p>")})
    assert items["O21"].status is Status.missing
    assert "1 หน้า" in items["O21"].reason
    assert items["O21"].hint  # what the assessor expects, for the fix


def test_score_and_band():
    from crawler.evaluate import _band
    assert _band(RULES, 100) == "AA" and _band(RULES, 85.71) == "A" and _band(RULES, 12) == "F"


def test_as_of_defaults_to_today_within_the_rule_years_fiscal_year_and_window():
    assert as_of_for(RULES, None, today=dt.date(2026, 11, 23)) == dt.date(2025, 6, 30)
    assert as_of_for(RULES, None, today=dt.date(2024, 12, 1)) == dt.date(2024, 12, 1)  # in FY 2568 already
    assert as_of_for(RULES, None, today=dt.date(2024, 8, 1)) == dt.date(2024, 10, 1)  # FY 2568 not begun
    assert as_of_for(RULES, "2025-03-01") == dt.date(2025, 3, 1)


def test_a_form_to_print_is_not_an_online_channel():
    items = check({"/": (200, '<a href="/form.pdf">แบบฟอร์มแจ้งเรื่องร้องเรียนการทุจริต</a>'
                               '<a href="/eservice.html">E-Service ยื่นคำร้องออนไลน์</a>'),
                   "/form.pdf": (200, ""), "/eservice.html": doc("บริการออนไลน์")})
    assert items["O18"].status is Status.missing and "ออนไลน์" in items["O18"].reason
    assert items["O10"].status is Status.found


@pytest.mark.parametrize("site", sorted(p.name for p in FARM.iterdir() if p.is_dir()))
def test_found_items_is_what_evaluate_reports_found(site):
    """The crawl's every-few-pages check (found_items) and the result agree, at every stage of
    reading a site of the sample farm: the crawl stops exactly when the result would say so."""
    root, home = FARM / site, f"http://{site}.example/"
    readings, nav = {}, frozenset()
    files = sorted((p for p in root.rglob("*.*") if p.is_file()), key=lambda p: (p.name != "index.html", len(p.parts), str(p)))
    for n, path in enumerate(files, 1):
        url = home + path.relative_to(root).as_posix()
        page = Page(url=url, depth=min(n - 1, 1), http_status=200,
                    **extract.read(url, "", path.read_bytes()))
        readings[url] = classify.read(page, MATCHER, nav)
        nav = nav or frozenset(link.url for link in page.links)
        if n % 7 == 0 or n == len(files):
            result = evaluate(RULES, home, readings, AS_OF)
            assert found_items(RULES, home, readings, AS_OF) == \
                {i.code for i in result.items if i.status is Status.found}
    assert result.score > 0  # the farm's sites all have something to find


INDEX_2568 = "<title>ITA 2568</title><h1>ITA ประจำปีงบประมาณ พ.ศ. 2568</h1><table>{}</table>"


def _row(code: str, name: str, href: str, text: str = "ลิงก์") -> str:
    return f'<tr><td>{code}</td><td>{name}</td><td><a href="{href}">{text}</a></td></tr>'


def test_a_document_filed_under_one_item_is_not_evidence_of_another():
    # the annual procurement report, filed under O13, reads like a procurement list (O12) too
    index = INDEX_2568.format(_row("O13", "รายงานผลการจัดซื้อจัดจ้างประจำปี", "/proc/summary.html"))
    items = check({"/": (200, '<a href="/ita.html">ITA 2568</a><a href="/proc/summary.html">จัดซื้อจัดจ้าง</a>'),
                   "/ita.html": (200, index),
                   "/proc/summary.html": doc("สรุปผลการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2567")})
    assert items["O13"].status is Status.found
    assert items["O12"].status is Status.missing


def test_the_year_an_item_page_states_outranks_the_index_it_is_filed_under():
    # linked as "ลิงก์" from the 2568 list, the page says 2566; its document says no year
    index = INDEX_2568.format(_row("O26", "รายงานผลการดำเนินการป้องกันการทุจริต", "/o26.html"))
    items = check({"/": (200, '<a href="/ita.html">ITA 2568</a>'), "/ita.html": (200, index),
                   "/o26.html": (200, '<title>รายงานผลการดำเนินการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2566</title>'
                                      '<h1>รายงานผลการดำเนินการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. 2566</h1>'
                                      '<a href="/files/r.pdf">ดาวน์โหลด</a>'),
                   "/files/r.pdf": doc("รายงานผล")})
    assert items["O26"].status is Status.stale and "2566" in items["O26"].reason


def test_a_dead_footer_link_does_not_spoil_the_working_page_it_sits_on():
    footer = '<footer><a href="/contact-us.html">ติดต่อเรา</a></footer>'
    index = INDEX_2568.format(_row("O3", "ข้อมูลการติดต่อ", "/about/contact.html"))
    items = check({"/": (200, f'<a href="/ita.html">ITA 2568</a>{footer}'), "/ita.html": (200, index + footer),
                   "/about/contact.html": (200, f"<title>ข้อมูลการติดต่อ</title><p>โทร 042-123-456</p>{footer}"),
                   "/contact-us.html": (404, "")})
    assert items["O3"].status is Status.found
    assert items["O3"].evidence[0].url == HOME + "about/contact.html"


def test_the_list_of_the_rule_year_ranks_first():
    # one page keeps next year's list above this year's: both link a structure page
    page = """<title>ITA</title><h1>การประเมินคุณธรรมและความโปร่งใส</h1>
        <details open><summary>ITA 2569</summary><ul><li>O1 โครงสร้าง <a href="/new/s.html">ลิงก์</a></li></ul></details>
        <details><summary>ITA 2568</summary><ul><li>O1 โครงสร้าง <a href="/s68.html">ลิงก์</a></li></ul></details>"""
    items = check({"/": (200, '<a href="/ita.html">ITA</a>'), "/ita.html": (200, page),
                   "/new/s.html": doc("โครงสร้างองค์กร"), "/s68.html": doc("โครงสร้างองค์กร")})
    assert [e.url for e in items["O1"].evidence] == [HOME + "s68.html", HOME + "new/s.html"]


def _complaint_page(form: str) -> tuple[int, str]:
    return 200, f"""<title>ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ</title>
        <h1>ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ</h1>{form}
        <p>ช่องทางอื่น: <a href="https://forms.gle/abc">แบบฟอร์มแจ้งเรื่องร้องเรียนการทุจริต</a></p>"""


def test_a_channel_page_with_its_own_form_is_the_channel_not_the_one_it_also_links():
    home = '<a href="/complaint.html">ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ</a>'
    with_form = check({"/": (200, home), "/complaint.html": _complaint_page(
        '<form action="/complaint.html"><input name="subject"><textarea name="detail"></textarea></form>')})
    assert with_form["O18"].status is Status.found
    assert [e.url for e in with_form["O18"].evidence] == [HOME + "complaint.html"]
    # a page that only sends you elsewhere (a Google Form) is not a channel that works on the site
    without = check({"/": (200, home), "/complaint.html": _complaint_page("")})
    assert without["O18"].status is Status.unverified and "forms.gle" in without["O18"].reason
