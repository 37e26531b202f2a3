"""How the rules are applied to texts: which item, index pages, generic links, placeholders."""
import pytest

from crawler import classify, rules
from crawler.extract import read
from crawler.models import Page

M = classify.Matcher(rules.load("2568"))


@pytest.mark.parametrize("text, index", [
    ("ITA 2568", True), ("การประเมินคุณธรรมและความโปร่งใส (ITA) ๒๕๖๘", True),
    ("OIT", True), ("โรงพยาบาลนนทบุรี Nonthaburi Hospital", False),  # "ita" inside "hospital"
    ("MOIT 2568 โรงพยาบาล", False), ("Capital budget", False), ("หน้าหลัก", False),
])
def test_index_names_match_whole_latin_words(text, index):
    assert M.index(text) is index


@pytest.mark.parametrize("text, generic", [
    ("คลิก", True), ("ดาวน์โหลด (PDF)", True), ("O16", True), ("ต.ค. 67", True), ("", True),
    ("ฉบับที่ 2", True), ("มีนาคม 2568", True), ("หน้าหลัก", False), ("ประมวลจริยธรรม", False),
])
def test_generic_link_texts(text, generic):
    assert M.generic(text) is generic


def test_most_specific_phrase_wins():
    assert M.item("รายงานสรุปผลการจัดซื้อจัดจ้างประจำปี 2567")[0] == "O13"
    assert M.item("สรุปผลการจัดซื้อจัดจ้างรายเดือน ต.ค. 2567")[0] == "O12"
    assert M.item("ร้องทุกข์/ร้องเรียนทั่วไป") is None  # not a corruption channel


def _reading(html: str, url="http://a.example/ita/2568.html", via=""):
    page = Page(url=url, via=via, **read(url, "text/html", html.encode()))
    return page, classify.read(page, M)


def test_generic_link_takes_the_item_from_its_row_on_an_index_page():
    _, r = _reading("""<title>ITA 2568</title><table><tr><td>16</td><td>ประมวลจริยธรรม</td>
        <td><a href="/ethics.pdf">ดาวน์โหลด</a></td></tr></table>""")
    c = next(c for c in r.candidates if c.url.endswith("/ethics.pdf"))
    assert (c.code, c.how, c.filed) == ("O16", "context", [2568])


def test_breadcrumb_link_is_not_evidence_of_the_page_it_sits_on():
    _, r = _reading("""<title>ประมวลจริยธรรม</title><p class="crumbs"><a href="/">หน้าหลัก</a> &gt;
        ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม</p>""", url="http://a.example/o16.html")
    assert [c.url for c in r.candidates] == ["http://a.example/o16.html"]  # the page itself only


def test_last_years_tab_is_filed_under_last_year():
    _, r = _reading("""<title>ITA</title><h1>การประเมินคุณธรรมและความโปร่งใส</h1>
        <ul class="nav"><li><a href="#t68">2568</a></li><li><a href="#t67">2567</a></li></ul>
        <div id="t68"><a href="/a68.pdf">แผนปฏิบัติการป้องกันการทุจริต</a></div>
        <div id="t67"><a href="/a67.pdf">แผนปฏิบัติการป้องกันการทุจริต</a></div>""")
    filed = {c.url.rsplit("/", 1)[-1]: c.filed for c in r.candidates if c.code == "O25"}
    assert filed == {"a68.pdf": [2568], "a67.pdf": [2567]}


def test_placeholder_page_is_flagged():
    _, r = _reading("<title>O22</title><h1>รายงานการรับทรัพย์สิน</h1><p>อยู่ระหว่างการปรับปรุงข้อมูล</p>",
                    url="http://a.example/o22.html")
    assert r.placeholder
    _, r = _reading("<title>O22</title><h1>รายงานการรับทรัพย์สิน</h1>" + "<p>รายการ 15 ม.ค. 2568</p>" * 80,
                    url="http://a.example/o22.html")
    assert not r.placeholder


def test_index_links_come_first_and_documents_only_when_they_are_candidates():
    page, r = _reading("""<title>อบต.</title><a href="/ita/">ITA 2568</a><a href="/plan.pdf">แผนพัฒนาท้องถิ่น</a>
        <a href="/x.pdf">ประกาศ</a><a href="/history.html">ประวัติความเป็นมา</a>""", url="http://a.example/")
    order = {link.url.rsplit("/", 1)[-1] or "ita": classify.follow(page, r, link, M, frozenset())
             for link in page.links}
    assert order["ita"][0] > order["plan.pdf"][0] > order["history.html"][0]
    assert order["x.pdf"] is None


def test_index_year_is_inherited_one_level_only():
    index, r = _reading('<title>ITA 2568</title><a href="/topic1.html">หัวข้อที่ 1 ข้อมูลพื้นฐาน</a>')
    link = index.links[0]
    priority, via = classify.follow(index, r, link, M, frozenset())
    assert priority == classify.P_INDEX_CHILD and "2568" in via
    topic, r2 = _reading('<title>ข้อมูลพื้นฐาน</title><a href="/about.html">เกี่ยวกับเรา</a>',
                         url="http://a.example/topic1.html", via=via)
    assert r2.index  # filed under the index above it
    assert classify.follow(topic, r2, topic.links[0], M, frozenset())[0] < classify.P_INDEX_CHILD


@pytest.mark.parametrize("text, number", [
    ("O13", 13), ("OIT 13 รายงานผล", 13), ("O 13 : รายงาน", 13), ("O.13", 13), ("(O๑๓)", 13),
    ("o-7", 7), ("ข้อ 13 รายงาน", 13), ("ข้อ ๑ (O1) โครงสร้าง", 1),
    ("MOIT 13", None), ("O1 - O28", None), ("ISO 9001", None), ("ตามข้อ 5 ของระเบียบ", None),
    ("ข้อ 9.1", None), ("OIT 2568", None), ("ดาวน์โหลด", None),
])
def test_item_labels_as_agencies_write_them(text, number):
    assert M.label(text) == number


def _codes(html: str, url="http://a.example/ita/2568.html"):
    _, r = _reading(html, url)
    return {c.url.rsplit("/", 1)[-1]: (c.code, c.how) for c in r.candidates}


def test_the_rows_number_decides_on_the_list_of_the_rule_year():
    # the link says only the generic word of another item: the row's code and name say O13
    codes = _codes("""<title>ITA 2568</title><h1>OIT ประจำปีงบประมาณ 2568</h1><table>
        <tr><td>O12</td><td>รายการการจัดซื้อจัดจ้าง</td><td><a href="/p12.pdf">ลิงก์</a></td></tr>
        <tr><td>O13</td><td>รายงานผลการจัดซื้อจัดจ้าง</td><td><a href="/p13.pdf">จัดซื้อจัดจ้าง</a></td></tr>
        <tr><td>O 14</td><td></td><td><a href="/p14.pdf">Link 1</a></td></tr></table>""")
    assert codes == {"p12.pdf": ("O12", "code"), "p13.pdf": ("O13", "code"), "p14.pdf": ("O14", "code")}


def test_another_years_numbers_are_not_this_years_items():
    # ITA 2566 numbered 43 items its own way: O13 there is not the annual procurement report
    codes = _codes("""<title>ITA 2566</title><h1>ITA 2566</h1><ul>
        <li>O13 แผนการจัดซื้อจัดจ้าง <a href="/a.pdf">ดาวน์โหลด</a></li>
        <li>O36 มาตรการส่งเสริมคุณธรรม <a href="/b.pdf">ดาวน์โหลด</a></li></ul>""", url="http://a.example/ita/2566.html")
    assert codes == {"a.pdf": ("O12", "context"), "b.pdf": ("O27", "context")}


def test_a_list_of_no_year_numbered_otherwise_is_read_by_its_names():
    rows = "".join(f"<li>O{n} {name} <a href='/{n}.pdf'>คลิก</a></li>" for n, name in
                   [(3, "ข่าวประชาสัมพันธ์"), (4, "แผนยุทธศาสตร์"), (5, "แผนการดำเนินงาน"), (30, "แผนป้องกันการทุจริต")])
    codes = _codes(f"<title>ITA</title><h1>ITA</h1><ul>{rows}</ul>", url="http://a.example/ita/")
    assert {k: v[0] for k, v in codes.items()} == {"3.pdf": "O4", "4.pdf": "O5", "5.pdf": "O6", "30.pdf": "O25"}


def test_the_list_year_is_the_panes_not_the_documents_in_its_heading():
    # ITA 2569 pane, item heading "O7 ... พ.ศ. 2568" (the report's own year): the row is O7 of
    # the 2569 list, so its number counts, though the link words name another item
    rules_2569 = classify.Matcher(rules.load("2569"))
    page = Page(url="http://a.example/ita/", **read("http://a.example/ita/", "text/html", """<title>ITA</title>
        <h1>ITA</h1><button data-target="y69">ITA 2569</button><div id="y69">
        <p><strong>O6 แผนดำเนินงานประจำปี 2569</strong></p><ul><li><a href="/o6.pdf">แผนดำเนินงาน</a></li></ul>
        <p><strong>O7 รายงานผลการดำเนินงานประจำปี พ.ศ. 2568</strong></p>
        <ul><li><a href="/o7.pdf">รายงานผลการดำเนินงาน ไตรมาสที่ 4</a></li></ul>
        <p><strong>O8 คู่มือการปฏิบัติงาน</strong></p><ul><li><a href="/o8.pdf">คู่มือ</a></li></ul></div>""".encode()))
    o7 = next(c for c in classify.read(page, rules_2569).candidates if c.url.endswith("/o7.pdf"))
    assert (o7.code, o7.how, o7.filed) == ("O7", "code", [2569])


def test_a_row_of_another_scheme_still_names_what_it_links():
    # a hospital's MOIT table is no ITA index and its numbers are not ours, but the No Gift
    # declaration it links is one
    _, r = _reading("""<title>ITA 2569</title><h1>MOIT</h1><table>
        <tr><td>MOIT 13</td><td>มาตรการป้องกันการรับสินบน</td>
        <td><a href="/nogift.pdf">ประกาศเจตนารมณ์ No Gift Policy</a></td></tr></table>""",
                    url="http://a.example/moit/")
    assert [(c.code, c.how) for c in r.candidates if c.url.endswith("/nogift.pdf")] == [("O21", "link")]
