"""What a user sees in the JSON, HTML and terminal reports of one site check."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser

import pytest
from rich.cells import cell_len
from rich.console import Console

from crawler.models import CheckResult, Evidence, ItemResult, RulesInfo, SiteInfo, Status
from reports import html, jsonreport, labels, table

SITE = "https://www.nongbuasao.go.th"
HOSTILE = "<script>alert(1)</script>"
LONG_URL = (
    SITE + "/ita/2568/%E0%B9%81%E0%B8%9C%E0%B8%99%E0%B8%88%E0%B8%B1%E0%B8%94%E0%B8%8B%E0%B8%B7"
    "%E0%B9%89%E0%B8%AD%E0%B8%88%E0%B8%B1%E0%B8%94%E0%B8%88%E0%B9%89%E0%B8%B2%E0%B8%87"
    "/sor-khor-ror-1-monthly-summary-october-2567-to-march-2568-final-signed.pdf"
)

NAMES = [
    "โครงสร้างและอำนาจหน้าที่", "ข้อมูลผู้บริหาร", "ข้อมูลการติดต่อ", "ข่าวประชาสัมพันธ์",
    "แผนยุทธศาสตร์หรือแผนพัฒนาหน่วยงาน",
    "แผนและความก้าวหน้าในการดำเนินงานและการใช้งบประมาณประจำปี",
    "รายงานผลการดำเนินงานประจำปี", "คู่มือหรือแนวทางการปฏิบัติงานของเจ้าหน้าที่",
    "คู่มือหรือแนวทางการขอรับบริการสำหรับผู้รับบริการหรือผู้มาติดต่อ", "E-Service",
    "ข้อมูลสถิติการให้บริการ",
    "รายการการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ และความก้าวหน้าการจัดซื้อจัดจ้างหรือการจัดหาพัสดุ",
    "รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี", "แผนการบริหารและพัฒนาทรัพยากรบุคคล",
    "รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี", "ประมวลจริยธรรมและการขับเคลื่อนจริยธรรม",
    "แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    "ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "การเปิดโอกาสให้เกิดการมีส่วนร่วม",
    "ประกาศเจตนารมณ์และการสร้างวัฒนธรรม ตามนโยบาย No Gift Policy จากการปฏิบัติหน้าที่",
    "รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา",
    "การประเมินความเสี่ยงที่อาจเกิดการให้หรือรับสินบนจากการดำเนินงานตามภารกิจของหน่วยงาน",
    "รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริตและประพฤติมิชอบ",
    "แผนปฏิบัติการป้องกันการทุจริต", "รายงานผลการดำเนินการป้องกันการทุจริตประจำปี",
    "มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
    "รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน",
]

# code -> (status, evidence, reason, years_seen, years_needed); everything else is found.
SPECIAL: dict[str, tuple] = {
    "O5": (Status.stale, [Evidence(url=SITE + "/plan/plan-2561-2565.pdf", text="แผนพัฒนาท้องถิ่น 2561-2565",
                                   years=[2561, 2562, 2563, 2564, 2565])],
           "แผนที่พบครอบคลุมปี 2561-2565 ไม่ครอบคลุมปี 2568", [2561, 2565], [2568]),
    "O7": (Status.stale, [Evidence(url=SITE + "/report/annual-2566.pdf", text="รายงานผลการดำเนินงาน ปี 2566",
                                   years=[2566])],
           "พบรายงานปี 2566 แต่ต้องเป็นปี 2567", [2566], [2567]),
    "O10": (Status.unverified, [Evidence(url="javascript:openService()", text="บริการออนไลน์")],
            "ลิงก์ E-Service เป็น JavaScript ที่ติดตามไม่ได้", [], []),
    "O12": (Status.found, [Evidence(url=LONG_URL, text="สขร.1 ต.ค. 67 - มี.ค. 68", years=[2568])],
            "พบสรุปผลการจัดซื้อจัดจ้างรายเดือนปี 2568", [2568], [2568]),
    "O14": (Status.stale, [Evidence(url=SITE + "/hr/plan-2567.pdf", text=HOSTILE, years=[2567])],
            "พบแผนปี 2567 แต่ต้องเป็นปี 2568", [2567], [2568]),
    "O18": (Status.missing, [], "ไม่พบช่องทางร้องเรียนการทุจริต (พบเพียงช่องทางร้องทุกข์ทั่วไป)", [], []),
    "O22": (Status.unverified,
            [Evidence(url="https://drive.google.com/file/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/view",
                      text="รายงานการรับทรัพย์สิน")],
            "หลักฐานอยู่ใน Google Drive ซึ่งโปรแกรมเปิดอ่านไม่ได้", [], [2567, 2568]),
    "O24": (Status.missing, [], f"ไม่พบรายงานผลการจัดการความเสี่ยง {HOSTILE}", [], [2567]),
}


def make_result(**site) -> CheckResult:
    items = []
    for n, name in enumerate(NAMES, start=1):
        code = f"O{n}"
        status, evidence, reason, seen, needed = SPECIAL.get(code, (
            Status.found,
            [Evidence(url=f"{SITE}/ita/2568/o{n}.html", text=name, years=[2568])],
            "พบในหน้า ITA 2568", [2568], [2568],
        ))
        items.append(ItemResult(
            code=code, name=name, status=status, evidence=evidence, reason=reason,
            years_seen=seen, years_needed=needed,
            hint="" if status is Status.found else f"{name} ที่เผยแพร่บนเว็บไซต์หลัก ของปีที่กำหนด",
        ))
    found = sum(i.status is Status.found for i in items)
    return CheckResult(
        site=SiteInfo(**{"url": SITE, "status": "ok", "pages_fetched": 57, **site}),
        rules=RulesInfo(year=2568, items=28),
        as_of=dt.date(2025, 3, 20),
        score=round(found * 100 / 28, 2),
        band="B",
        items=items,
    )


def unreachable_result() -> CheckResult:
    result = make_result(status="unreachable", pages_fetched=0, error="dns")
    for item in result.items:
        item.status, item.evidence, item.years_seen = Status.unverified, [], []
        item.reason = "เข้าเว็บไซต์ไม่ได้"
    result.score = 0.0
    return result


class _Refs(HTMLParser):
    """Collect every URL-bearing attribute and whether any <script> exists."""

    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "poster", "data", "formaction"):
                self.refs.append((tag, name, value or ""))


def render_html(result: CheckResult, tmp_path) -> str:
    out = tmp_path / "report.html"
    html.write(result, out, generated_at=dt.datetime(2025, 3, 20, 8, 5))
    return out.read_text(encoding="utf-8")


def record_table(result: CheckResult, width: int) -> str:
    console = Console(record=True, width=width, color_system=None, file=io.StringIO())
    table.render(result, console)
    return console.export_text()


# ---------------------------------------------------------------- JSON


def test_json_has_contract_keys_and_round_trips(tmp_path):
    result = make_result()
    out = tmp_path / "sub" / "check.json"
    jsonreport.write(result, out)
    raw = out.read_text(encoding="utf-8")
    data = json.loads(raw)

    assert "โครงสร้างและอำนาจหน้าที่" in raw  # Thai is written as Thai, not \u escapes
    assert {"site", "rules", "as_of", "score", "items"} <= data.keys()
    assert {"url", "status", "pages_fetched"} <= data["site"].keys()
    assert data["rules"] == {"year": 2568, "items": 28, "provisional": False}
    assert data["as_of"] == "2025-03-20"
    assert len(data["items"]) == 28
    for item in data["items"]:
        assert {"code", "name", "status", "evidence", "reason"} <= item.keys()
        assert item["status"] in {s.value for s in Status}
        for ev in item["evidence"]:
            assert {"url", "text", "years"} <= ev.keys()
    assert CheckResult.model_validate(data) == result


def test_json_dash_writes_to_stdout(capsys):
    jsonreport.write(unreachable_result(), "-")
    data = json.loads(capsys.readouterr().out)
    assert data["site"]["status"] == "unreachable"
    assert {i["status"] for i in data["items"]} == {"unverified"}


# ---------------------------------------------------------------- HTML


def test_html_escapes_website_text_and_never_links_non_web_urls(tmp_path):
    page = render_html(make_result(), tmp_path)
    parser = _Refs()
    parser.feed(page)

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parser.scripts == 0
    assert not any(value.strip().lower().startswith("javascript:") for _, _, value in parser.refs)
    assert "javascript:openService()" in page  # still shown, as text


def test_html_is_self_contained(tmp_path):
    result = make_result()
    page = render_html(result, tmp_path)
    parser = _Refs()
    parser.feed(page)
    evidence = {e.url for i in result.items for e in i.evidence}

    for tag, attr, value in parser.refs:
        assert (tag, attr) == ("a", "href"), f"unexpected resource {tag} {attr}={value}"
        assert value in evidence
    assert not re.search(r"url\(|@import|<link|<img|<iframe", page)


def test_html_shows_items_labels_score_and_dates(tmp_path):
    result = make_result()
    page = render_html(result, tmp_path)

    assert '<html lang="th">' in page
    for n in range(1, 29):
        assert f'id="O{n}"' in page
    for lab in labels.STATUS.values():
        assert lab.th in page
    assert f"{result.score:.2f}" in page and "ระดับ B" in page
    assert "ต่ำกว่า 85" in page
    assert "20 มี.ค. 2568" in page and "2025-03-20" in page
    assert "ITA/OIT พ.ศ. 2568" in page
    assert "ช่องทางแจ้งเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ ที่เผยแพร่" in page  # hint of a missing item
    assert "ตรวจสอบเว็บไซต์ไม่ได้" not in page


def test_html_long_url_is_short_on_screen_but_complete_in_link(tmp_path):
    page = render_html(make_result(), tmp_path)
    link = re.search(r'<a href="([^"]*)" title="([^"]*)"[^>]*>([^<]*)</a>', page.split('id="O12"')[1])
    href, title, text = link.groups()
    assert href == title == LONG_URL
    assert "…" in text and len(text) < len(LONG_URL)
    assert "แผนจัดซื้อ" in text  # Thai path decoded for reading


def test_html_no_warning_at_or_above_85(tmp_path):
    result = make_result()
    result.score, result.band = 92.86, "A"
    page = render_html(result, tmp_path)
    assert "92.86" in page and "ต่ำกว่า 85" not in page


def test_html_unreachable_site_is_not_shown_as_missing(tmp_path):
    page = render_html(unreachable_result(), tmp_path)

    assert "ตรวจสอบเว็บไซต์ไม่ได้" in page
    assert labels.SITE_ERRORS["dns"] in page
    assert page.index("ตรวจสอบเว็บไซต์ไม่ได้") < page.index('id="O1"')
    assert '<tr class="s-missing"' not in page
    assert page.count('<tr class="s-unverified"') == 28
    assert "ต่ำกว่า 85" not in page  # no score for a site that could not be read


def test_html_partial_site_is_flagged(tmp_path):
    page = render_html(make_result(status="partial"), tmp_path)
    assert "ตรวจสอบได้บางส่วน" in page and "ตรวจสอบเว็บไซต์ไม่ได้" not in page


# ---------------------------------------------------------------- terminal table


@pytest.mark.parametrize("width", [100, 80])
def test_table_lists_every_item_and_summary(width):
    text = record_table(make_result(), width)

    for n in range(1, 29):
        assert re.search(rf"^\s*O{n}\s", text, re.M), f"O{n} missing at width {width}"
    assert max(cell_len(line) for line in text.splitlines()) <= width
    summary = " ".join(text.split())  # the summary line may wrap at 80 columns
    assert "75.00" in summary and "ระดับ B" in summary and "ต่ำกว่า 85" in summary
    for lab in labels.STATUS.values():
        assert lab.th in summary
    assert "57 หน้า" in summary


def test_table_shows_evidence_url_for_found_and_reason_otherwise():
    text = record_table(make_result(), 100)
    assert f"{SITE}/ita/2568/o1.html" in text
    assert "ไม่พบช่องทางร้องเรียนการทุจริต" in text


def test_table_unreachable_site_and_hostile_text():
    result = unreachable_result()
    result.items[0].reason = "[bold red]x[/] \x1b[2J ล้างจอ"
    result.site.url = "https://[red]evil.go.th"
    text = record_table(result, 100)

    assert text.splitlines()[0].startswith("ตรวจสอบเว็บไซต์ไม่ได้")
    assert labels.SITE_ERRORS["dns"] in text
    assert "[bold red]x[/]" in text and "[red]evil" in text  # literal, not rich markup
    assert "\x1b" not in text
    assert "ต่ำกว่า 85" not in text


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize("url, ok", [
    ("https://www.example.go.th/a.pdf", True),
    ("HTTP://example.go.th", True),
    ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False),
    ("java\tscript:alert(1)", False),
    ("data:text/html,hi", False),
    ("https:no-host", False),
    ("/relative/path.pdf", False),
])
def test_only_http_urls_are_links(url, ok):
    assert labels.is_web_url(url) is ok


def test_short_url_reads_thai_but_not_disguised_text():
    assert labels.short_url("https://a.go.th/%E0%B8%81.pdf") == "a.go.th/ก.pdf"
    assert labels.short_url("https://a.go.th/x%E2%80%AEfdp.exe") == "a.go.th/x%E2%80%AEfdp.exe"
    assert len(labels.short_url(LONG_URL, 40)) == 40


def test_years_and_thai_dates():
    assert labels.years_text([2567, 2566, 2567]) == "2566, 2567"
    assert labels.years_text([]) == "—"
    assert labels.thai_date(dt.date(2025, 3, 20)) == "20 มี.ค. 2568"
    assert labels.thai_date(dt.datetime(2024, 12, 1, 8, 5)) == "1 ธ.ค. 2567 08:05 น."
