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
    _, r = _reading("""<title>ITA 2568</title><table><tr><td>O16</td><td>ประมวลจริยธรรม</td>
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
