"""What the extractor keeps of a page: link text, the row around it, the section it sits in."""
from crawler.extract import read

BASE = "http://agency.example/ita/index.html"


def _links(html: str, url: str = BASE):
    return {link.url.rsplit("/", 1)[-1]: link for link in read(url, "text/html", html.encode())["links"]}


def test_table_row_gives_context_to_generic_link_text():
    links = _links("""<h1>ITA ๒๕๖๘</h1><table>
      <tr><td>O1</td><td>โครงสร้างและอำนาจหน้าที่</td><td><a href="o1.pdf">คลิก</a></td></tr>
      <tr><td>O2</td><td>ข้อมูลผู้บริหาร</td><td><a href="o2.html">ดาวน์โหลด</a></td></tr></table>""")
    assert links["o1.pdf"].text == "คลิก"
    assert "โครงสร้างและอำนาจหน้าที่" in links["o1.pdf"].context
    assert "ข้อมูลผู้บริหาร" not in links["o1.pdf"].context
    assert links["o1.pdf"].section == "ita 2568"  # Thai digits normalised, Latin lower case
    assert links["o1.pdf"].url == "http://agency.example/ita/o1.pdf"


def test_bootstrap_tabs_label_each_pane_with_its_year():
    links = _links("""<h2>การประเมินคุณธรรมและความโปร่งใส</h2>
      <ul class="nav nav-tabs"><li><a href="#y68" data-bs-toggle="tab">ปี 2568</a></li>
          <li><a href="#y67" data-bs-toggle="tab">ปี 2567</a></li></ul>
      <div class="tab-content">
        <div class="tab-pane active" id="y68"><ul><li><a href="plan68.pdf">แผนปฏิบัติการป้องกันการทุจริต</a></li></ul></div>
        <div class="tab-pane" id="y67"><ul><li><a href="plan67.pdf">แผนปฏิบัติการป้องกันการทุจริต</a></li></ul></div>
      </div>""")
    assert "2568" in links["plan68.pdf"].section and "2567" not in links["plan68.pdf"].section
    assert "2567" in links["plan67.pdf"].section and "2568" not in links["plan67.pdf"].section


def test_nested_menu_parent_entry_is_the_section():
    links = _links("""<ul class="menu"><li><a href="#">ITA 2568</a>
        <ul><li><a href="/o1.html">O1 โครงสร้าง</a></li></ul></li>
      <li><a href="#">ITA 2567</a><ul><li><a href="/old-o1.html">O1 โครงสร้าง</a></li></ul></li></ul>""")
    assert links["o1.html"].section.startswith("ita 2568")
    assert links["old-o1.html"].section.startswith("ita 2567")


def test_image_link_uses_alt_then_file_name():
    links = _links("""<a href="/ita.html"><img src="/img/banner.png" alt="ITA 2568"></a>
      <a href="/nogift.html"><img src="/img/no-gift-policy_2568.jpg"></a>""")
    assert links["ita.html"].text == "ita 2568" and links["ita.html"].image
    assert links["nogift.html"].text == "no gift policy 2568"


def test_image_link_with_a_meaningless_image_name_uses_the_name_of_its_target():
    links = _links("""<a href="/ita/ita-2568.html"><img src="/img/banner01.png"></a>
      <a href="/index.php?id=7"><img src="/img/IMG_20240115_0931.jpg"></a>
      <a href="/page.php?id=3" title="แผนปฏิบัติการป้องกันการทุจริต"><img src="/img/banner02.png"></a>""")
    assert links["ita-2568.html"].text == "ita 2568" and links["ita-2568.html"].image
    assert links["index.php?id=7"].text == "img 20240115 0931"  # neither says more: the image's own
    assert links["page.php?id=3"].text == "แผนปฏิบัติการป้องกันการทุจริต"  # the link's title says most


def test_embedded_documents_and_frames_are_links():
    links = _links("""<title>แผนพัฒนาท้องถิ่น</title><iframe src="/files/plan.pdf"></iframe>
      <frameset><frame src="menu.html"></frameset>""")
    assert "plan.pdf" in links and "menu.html" in links


def test_scripts_mailto_and_fragments_are_not_links():
    links = _links("""<a href="javascript:void(0)">x</a><a href="mailto:a@b.go.th">mail</a>
      <a href="#top">top</a><a href="tel:021234567">tel</a><script>var a='<a href="/s.html">';</script>
      <a href="/page.html#part">page</a>""")
    assert list(links) == ["page.html"]


def test_base_href_and_title_headings():
    page = read(BASE, "text/html", """<html><head><base href="http://agency.example/sub/">
      <title>ข่าวประชาสัมพันธ์</title></head><body><h1>ข่าว</h1><a href="n1.html">ข่าว 1</a></body></html>""".encode())
    assert page["title"] == "ข่าวประชาสัมพันธ์" and page["headings"] == ["ข่าว"]
    assert page["links"][0].url == "http://agency.example/sub/n1.html"


def test_the_same_links_resolve_against_each_page():
    """Menus repeat on every page (their addresses are resolved once per site): the same hrefs
    on pages of other folders, schemes and hosts still resolve against each page."""
    menu = """<a href="/ita/o1.html">O1</a><a href="plan.html">แผน</a><a href="../up.html">ขึ้น</a>
      <a href="http://other.example/x.pdf">x</a><a href="?year=2568">2568</a>"""
    for page, expected in [
        ("http://agency.example/ita/index.html",
         ["http://agency.example/ita/o1.html", "http://agency.example/ita/plan.html",
          "http://agency.example/up.html", "http://other.example/x.pdf",
          "http://agency.example/ita/index.html?year=2568"]),
        ("https://agency.example/news/2568/a.php?id=3",
         ["https://agency.example/ita/o1.html", "https://agency.example/news/2568/plan.html",
          "https://agency.example/news/up.html", "http://other.example/x.pdf",
          "https://agency.example/news/2568/a.php?year=2568"]),
        ("http://agency.example:8080/",
         ["http://agency.example:8080/ita/o1.html", "http://agency.example:8080/plan.html",
          "http://agency.example:8080/up.html", "http://other.example/x.pdf",
          "http://agency.example:8080/?year=2568"]),
    ]:
        assert [link.url for link in read(page, "text/html", menu.encode())["links"]] == expected


def test_broken_html_still_yields_links():
    page = read(BASE, "text/html", b"<html><body><table><tr><td><a href='/a.html'>\xe0\xb8\x81 link<td></table")
    assert [link.url for link in page["links"]] == ["http://agency.example/a.html"]


FARM = __import__("pathlib").Path(__file__).resolve().parent.parent / "samples" / "farm"


def test_thai_pdf_printed_by_chromium_reads_clean():
    page = read("http://a/risk.pdf", "application/pdf", (FARM / "abt-nongbua/files/ita/risk-2568.pdf").read_bytes())
    assert page["kind"] == "pdf" and not page["scanned"]
    assert page["title"].startswith("การประเมินความเสี่ยงการทุจริต ประจำปีงบประมาณ พ.ศ. 2568")
    assert not any(0xF700 <= ord(ch) <= 0xF71F for ch in page["text"])  # PUA glyphs mapped back


def test_scanned_pdf_is_flagged_not_read_as_empty_evidence():
    page = read("http://a/o13.pdf", "application/pdf", (FARM / "pvo-sakon/files/oit68/o13-scan.pdf").read_bytes())
    assert page["scanned"]


def test_xlsx_rows_become_text_even_with_a_wrong_content_type():
    page = read("http://a/stats.xlsx", "application/octet-stream",
                (FARM / "po-cedo/publications/service-stats-2567.xlsx").read_bytes())
    assert page["kind"] == "xlsx"
    assert "สถิติการให้บริการ ประจำปีงบประมาณ พ.ศ. 2567" in page["title"]


def test_broken_documents_are_unreadable_not_crashes():
    assert read("http://a/x.pdf", "application/pdf", b"%PDF-1.4 garbage")["error"] == "unreadable"
    assert read("http://a/x.xlsx", "", b"PK\x03\x04 not a zip")["error"] == "unreadable"


def test_a_bar_of_buttons_takes_its_row_from_the_block_around_it():
    html = """<div class="oit-item"><p>O5 : แผนยุทธศาสตร์</p>
        <p><a href="/a/">ลิงก์ 1</a> | <a href="/b.pdf">ลิงก์ 2</a></p></div>"""
    links = read("http://a.example/ita/", "text/html", html.encode())["links"]
    assert [link.context for link in links] == ["o5 : แผนยุทธศาสตร์ ลิงก์ 1 | ลิงก์ 2"] * 2


def test_an_accordion_toggled_by_a_bare_id_labels_its_pane():
    # a theme's own script: data-target="ita2569" (no "#"), the pane below is that id
    links = _links("""<div class="accordion-item"><h2><button data-target="ita2569">การประเมิน ITA ปี 2569</button></h2>
      <div id="ita2569" class="collapse"><p><strong>O7 รายงานผลการดำเนินงาน พ.ศ. 2568</strong></p>
      <ul><li><a href="o7.pdf">รายงานผล ไตรมาส 4</a></li></ul></div></div>""")
    assert links["o7.pdf"].section == "การประเมิน ita ปี 2569 > o7 รายงานผลการดำเนินงาน พ.ศ. 2568"


def test_a_form_to_fill_in_is_noticed_but_not_a_search_box():
    page = read(BASE, "text/html", """<header><form><input name="q"><input type="submit"></form></header>
      <main><form action="/complaint"><input name="subject"><textarea name="detail"></textarea></form></main>""".encode())
    assert page["form"] is True
    search_only = read(BASE, "text/html", b"""<header><form><input name="q"><input name="lang"></form></header>
      <main><p>Contact us by phone.</p></main>""")
    assert search_only["form"] is False


def test_menus_are_chrome_but_the_content_is_not_whatever_its_class_says():
    links = _links("""<div class="site-header"><a href="/home.html">หน้าแรก</a></div>
      <div class="page-header-wrap"><main><h1>ITA 2569</h1>
        <p>การเปิดเผยข้อมูลสาธารณะ ประจำปีงบประมาณ พ.ศ. 2569 ของหน่วยงาน</p><div class="ita-menu">
        <a href="o1.pdf">O1 โครงสร้าง</a></div></main></div>
      <div class="footer-links"><a href="/contact.html">ติดต่อเรา</a></div>""")
    assert links["home.html"].chrome and links["contact.html"].chrome
    assert not links["o1.pdf"].chrome  # the ITA list inside the page's content
