"""Documents as agencies publish them: legacy Excel and Word, DOCX, PDFs printed by Chromium, scanned
PDFs (with and without OCR), and files whose name or type says something else than their bytes.

Fixtures in tests/data were made once by LibreOffice and Chromium (tests/data/README.md); scanned
pages are drawn here with Pillow. Each case runs the real chain where the outcome is an item status.
"""
import datetime as dt
import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crawler import classify, cmdline, documents, rules
from crawler.evaluate import evaluate
from crawler.extract import read
from crawler.farm import serve
from crawler.models import Page, Status
from crawler.thai import compact

DATA = Path(__file__).resolve().parent / "data"
XLS = (DATA / "procurement-2568.xls").read_bytes()
DOC = (DATA / "ethics-code.doc").read_bytes()
DOCX = (DATA / "ethics-code.docx").read_bytes()
GARUDA = Path("/usr/share/fonts/truetype/tlwg/Garuda.ttf")

HOME = "http://abt.example/"
RULES = rules.load("2568")
MATCHER = classify.Matcher(RULES)


def check(pages: dict[str, tuple[str, bytes]], ocr: bool = False):
    """{path: (content type, body)} -> item results, through extract, classify and evaluate."""
    readings, nav = {}, frozenset()
    for depth, (path, (ctype, body)) in enumerate(pages.items()):
        url = HOME.rstrip("/") + path
        page = Page(url=url, depth=min(depth, 1), http_status=200, **read(url, ctype, body, ocr=ocr))
        readings[url] = classify.read(page, MATCHER, nav)
        if depth == 0:
            nav = frozenset(link.url for link in page.links)
    return {i.code: i for i in evaluate(RULES, HOME, readings, dt.date(2025, 3, 20)).items}


def home(*links: tuple[str, str]) -> tuple[str, bytes]:
    return "text/html", "".join(f'<p><a href="{href}">{text}</a></p>' for href, text in links).encode()


# ---------------------------------------------------------------- legacy Excel (.xls)


def test_xls_procurement_summary_shows_its_title_and_fiscal_year():
    page = read("http://a/sor-kor-ror-1.xls", "application/vnd.ms-excel", XLS)
    assert page["kind"] == "xls"
    assert page["title"] == "สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือนตุลาคม ประจำปีงบประมาณ พ.ศ. 2568"
    assert classify.spans(page["title"]) == [(2568, 2568)]  # the year is a number cell: not "2568.0"
    assert "จัดซื้อวัสดุสำนักงาน 12500.5 2024-10-15" in page["text"]  # amounts and date cells
    assert "จัดทำโดย งานพัสดุ กองคลัง" in page["text"]  # the second sheet


def test_xls_behind_a_download_script_is_found_evidence_for_its_year():
    items = check({"/": home(("/download.php?id=12", "สรุปผลการดำเนินการจัดซื้อจัดจ้าง")),
                   "/download.php?id=12": ("application/octet-stream", XLS)})
    assert items["O12"].status is Status.found
    assert [(e.url, e.years) for e in items["O12"].evidence] == [(HOME + "download.php?id=12", [2568])]


# ---------------------------------------------------------------- Word: DOCX and legacy DOC


@pytest.mark.parametrize("body, kind", [(DOCX, "docx"), (DOC, "doc")])
def test_word_ethics_code_is_read_with_its_title_and_table_rows(body, kind):
    page = read("http://a/file.php?id=3", "application/octet-stream", body)
    assert page["kind"] == kind
    assert page["title"].startswith("ประมวลจริยธรรมสำหรับเจ้าหน้าที่ของรัฐ ขององค์การบริหารส่วนตำบลหนองบัว")
    assert "ประกาศ ณ วันที่ 15 ตุลาคม พ.ศ. 2567" in page["headings"]  # Thai digits, "พ.ศ." in three runs
    assert "1 อบรมคุณธรรมจริยธรรมบุคลากร 2568" in page["text"]  # a table row reads as one line


@pytest.mark.parametrize("name, body", [("ethics.doc", DOC), ("ethics.docx", DOCX)])
def test_word_ethics_code_is_found_evidence(name, body):
    items = check({"/": home((f"/files/{name}", "ประมวลจริยธรรม")), f"/files/{name}": ("application/msword", body)})
    assert items["O16"].status is Status.found
    assert items["O16"].evidence[0].years == [2568]  # announced in October 2567: FY 2568


def _docx(document_xml: str) -> bytes:
    """A DOCX as Word writes it, reduced to the parts a reader needs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml", document_xml)
    return out.getvalue()


def test_docx_title_in_a_text_box_is_read_once_and_field_codes_are_not_text():
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    box = "<w:txbxContent><w:p><w:r><w:t>แผนปฏิบัติการป้องกันการทุจริต</w:t></w:r></w:p></w:txbxContent>"
    body = _docx(f"""<w:document {w} {mc}><w:body>
      <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps">{box}</mc:Choice>
        <mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r></w:p>
      <w:p><w:r><w:t>ประจำปีงบประมาณ พ.ศ. </w:t></w:r><w:r><w:t>๒๕๖๘</w:t></w:r></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
        <w:r><w:t>หน้า 1</w:t></w:r><w:r><w:delText>ฉบับร่าง</w:delText></w:r></w:p></w:body></w:document>""")
    page = read("http://a/plan.docx", "", body)
    assert page["headings"] == ["แผนปฏิบัติการป้องกันการทุจริต", "ประจำปีงบประมาณ พ.ศ. 2568", "หน้า 1"]
    assert "page" not in page["text"] and "ฉบับร่าง" not in page["text"]


# ---------------------------------------------------------------- what a file is: bytes first


@pytest.mark.parametrize("url, ctype, body, kind", [
    ("http://a/download.php?id=12", "application/octet-stream", XLS, "xls"),
    ("http://a/report.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", XLS, "xls"),
    ("http://a/getfile?id=7", "application/zip", DOCX, "docx"),
    ("http://a/report.xlsx", "", DOCX, "docx"),  # the zip holds a Word document, whatever its name
    ("http://a/ethics.pdf", "application/pdf", DOC, "doc"),
    ("http://a/export.xls", "application/vnd.ms-excel",  # a PHP "Excel export": an HTML table
     "<html><body><table><tr><td>รายการจัดซื้อจัดจ้าง 2568</td></tr></table></body></html>".encode(), "html"),
])
def test_kind_comes_from_the_bytes_not_the_name_or_type(url, ctype, body, kind):
    assert read(url, ctype, body)["kind"] == kind


def test_a_zip_of_files_is_not_an_office_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("o12.pdf", b"%PDF-1.4")
    assert read("http://a/download.php?id=4", "application/octet-stream", out.getvalue()) == {"kind": "other"}


def test_pdf_after_a_php_warning_is_still_read():
    pdf = (DATA / "plan-wrapped-2568.pdf").read_bytes()
    page = read("http://a/download.php?f=plan", "text/html", b"<br />\nNotice: Undefined index: lang\n" + pdf)
    assert page["kind"] == "pdf" and "แผนปฏิบัติการ" in page["text"]


@pytest.mark.parametrize("name, body", [
    ("code.docx", DOCX[: len(DOCX) // 2]),  # cut short: no zip directory
    ("code.docx", _docx("not xml at all")),
    ("code.doc", DOC[:2048]),  # the compound file's header without its streams
    ("summary.xls", XLS[:3000]),
    ("summary.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
])
def test_broken_office_files_are_unreadable_not_crashes(name, body):
    assert read(f"http://a/{name}", "application/octet-stream", body)["error"] == "unreadable"


def test_a_document_that_cannot_be_read_leaves_the_item_unverified_never_missing():
    items = check({"/": home(("/files/ethics.doc", "ประมวลจริยธรรม")),
                   "/files/ethics.doc": ("application/msword", DOC[:2048])})
    assert items["O16"].status is Status.unverified
    assert "unreadable" in items["O16"].reason


# ---------------------------------------------------------------- PDFs printed by Chromium


def test_thai_lines_wrapped_inside_a_word_are_joined():
    # the narrow column wraps "ปีงบประ / มาณ": read apart, the document also seemed to be for 2567,
    # the year of the date it was announced
    page = read("http://a/plan.pdf", "application/pdf", (DATA / "plan-wrapped-2568.pdf").read_bytes())
    assert "ประจำปีงบประมาณพ.ศ.2568" in page["text"]
    assert classify.spans(page["text"]) == [(2568, 2568)]


# ---------------------------------------------------------------- scanned PDFs and OCR

PLAN = ["แผนปฏิบัติการป้องกันการทุจริต", "ประจำปีงบประมาณ พ.ศ. 2568", "องค์การบริหารส่วนตำบลหนองบัว"]


def scanned_pdf(lines: list[str], dpi: int = 200) -> bytes:
    """A page of paper through a scanner: one image per page, no text layer."""
    image = pytest.importorskip("PIL.Image")
    draw = pytest.importorskip("PIL.ImageDraw")
    if not GARUDA.exists():
        pytest.skip("Thai fonts are not installed: make system")
    font = pytest.importorskip("PIL.ImageFont").truetype(str(GARUDA), dpi * 16 // 72)  # 16 pt
    page = image.new("L", (dpi * 827 // 100, dpi * 1169 // 100), 255)  # A4
    pen = draw.Draw(page)
    for i, line in enumerate(lines):
        pen.text((dpi, dpi + i * dpi // 3), line, font=font, fill=0)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=dpi)
    return out.getvalue()


def test_scanned_pdf_stays_scanned_without_the_ocr_flag():
    page = read("http://a/plan.pdf", "application/pdf", scanned_pdf(PLAN))
    assert page["scanned"] and page["text"] == "" and "ocr" not in page


needs_ocr = pytest.mark.skipif(bool(documents.ocr_missing()), reason=documents.ocr_missing() or "-")


@needs_ocr
def test_ocr_reads_the_title_and_fiscal_year_of_a_scanned_plan():
    page = read("http://a/plan.pdf", "application/pdf", scanned_pdf(PLAN), ocr=True)
    assert page["ocr"] and not page["scanned"]
    assert compact(page["title"]).startswith("แผนปฏิบัติการป้องกันการทุจริต")
    assert classify.spans(page["title"]) == [(2568, 2568)]


@needs_ocr
def test_with_ocr_a_scanned_plan_is_found_instead_of_unverified():
    pages = {"/": home(("/files/plan.pdf", "แผนปฏิบัติการป้องกันการทุจริต")),
             "/files/plan.pdf": ("application/pdf", scanned_pdf(PLAN))}
    without = check(pages)["O25"]
    assert without.status is Status.unverified and "สแกน" in without.reason
    found = check(pages, ocr=True)["O25"]
    assert found.status is Status.found and found.evidence[0].years == [2568]


@needs_ocr
def test_oit_check_with_ocr_reads_a_scanned_plan_on_a_served_site(tmp_path):
    """Through the spider: the scan is read in a thread and the reason says the year came from OCR."""
    site = tmp_path / "farm" / "s"
    (site / "files").mkdir(parents=True)
    (site / "index.html").write_bytes(home(("/files/plan.pdf", "แผนปฏิบัติการป้องกันการทุจริต"))[1])
    (site / "files" / "plan.pdf").write_bytes(scanned_pdf(PLAN))
    with serve(tmp_path / "farm", ["s"]) as bases:
        proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", "check", bases["s"], "--ocr",
                               "--as-of", "2025-03-20", "--rules", "2568", "--json", str(tmp_path / "r.json")],
                              env={**os.environ, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}, capture_output=True,
                              text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    plan = next(i for i in json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["items"]
                if i["code"] == "O25")
    assert plan["status"] == "found" and "OCR" in plan["reason"] and plan["evidence"][0]["years"] == [2568]


@pytest.fixture()
def no_tesseract(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract on this machine
    documents.ocr_missing.cache_clear()
    documents._ocr_ready.cache_clear()
    yield
    documents.ocr_missing.cache_clear()
    documents._ocr_ready.cache_clear()


def test_ocr_flag_without_tesseract_warns_once_and_keeps_scans_as_they_were(no_tesseract, caplog):
    body = scanned_pdf(PLAN)
    with caplog.at_level(logging.WARNING, logger="crawler.documents"):
        pages = [read("http://a/plan.pdf", "application/pdf", body, ocr=True) for _ in range(2)]
    assert all(p["scanned"] and "ocr" not in p for p in pages)
    assert [r.getMessage() for r in caplog.records] == [
        "OCR is off: Tesseract with its Thai model is not installed (apt-get install tesseract-ocr "
        "tesseract-ocr-tha); scanned PDFs are judged by their link and file name"]


def test_ocr_option_without_tesseract_is_one_warning_line_and_no_ocr(no_tesseract, capsys):
    args = cmdline.parser().parse_args(["check", "abt.example", "--ocr"])
    assert cmdline._ocr(args) == {}
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("oit: warning: --ocr: Tesseract with its Thai model")


def test_documents_are_read_in_a_worker_and_a_stalled_one_is_given_up():
    """The crawl reads documents in a worker process (off its own core); one that takes longer
    than the limit is "unreadable" and the next document gets a fresh worker."""
    import asyncio

    from crawler.workers import DocumentWorkers

    pdf = (DATA / "plan-wrapped-2568.pdf").read_bytes()

    async def run():
        workers = DocumentWorkers(1, seconds=60)
        try:
            same = await workers.read("http://a/plan.pdf", "application/pdf", pdf, False)
            workers.seconds = 0.001  # nothing finishes in a millisecond, not even starting a worker
            stalled = await workers.read("http://a/plan.pdf", "application/pdf", pdf, False)
            workers.seconds = 60
            after = await workers.read("http://a/x.xls", "application/vnd.ms-excel", XLS, False)
            return same, stalled, after
        finally:
            workers.close()

    same, stalled, after = asyncio.run(run())
    assert same == read("http://a/plan.pdf", "application/pdf", pdf)
    assert stalled == {"kind": "pdf", "error": "unreadable"}
    assert after["title"].startswith("สรุปผลการดำเนินการจัดซื้อจัดจ้าง")
