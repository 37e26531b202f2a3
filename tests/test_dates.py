import dataclasses
import datetime as dt

import pytest

from crawler.dates import YearMention, find_years, fiscal_year, span_years, to_be
from crawler.thai import normalize

D = dt.date


@pytest.mark.parametrize("year, be", [
    (2568, 2568), (2400, 2400), (2700, 2700), (2025, 2568), (1900, 2443), (2157, 2700),
    (67, 2567), (68, 2568), (40, 2540), (99, 2599),
    (39, None), (0, None), (100, None), (1899, None), (2158, None), (2399, None), (2701, None),
])
def test_to_be(year, be):
    assert to_be(year) == be


@pytest.mark.parametrize("day, fy", [
    (D(2024, 9, 30), 2567), (D(2024, 10, 1), 2568), (D(2024, 12, 31), 2568), (D(2025, 1, 1), 2568),
    (D(2025, 3, 15), 2568), (D(2025, 9, 30), 2568), (D(2025, 10, 1), 2569),
])
def test_fiscal_year(day, fy):
    assert fiscal_year(day) == fy


@pytest.mark.parametrize("fy", range(2560, 2571))
def test_fiscal_year_boundaries(fy):
    start, end = D(fy - 544, 10, 1), D(fy - 543, 9, 30)  # FY 2568 = 1 Oct 2024 - 30 Sep 2025
    assert fiscal_year(start) == fiscal_year(end) == fy
    assert fiscal_year(start - dt.timedelta(days=1)) == fy - 1
    assert fiscal_year(end + dt.timedelta(days=1)) == fy + 1


PARSE_DATE = [
    ("15 มีนาคม 2568", D(2025, 3, 15)),
    ("15 มี.ค. 68", D(2025, 3, 15)),
    ("๑๕ มี.ค. ๒๕๖๘", D(2025, 3, 15)),
    ("15 มีค 68", D(2025, 3, 15)),
    ("15 มี.ค 2568", D(2025, 3, 15)),
    ("1 ม.ค. 2025", D(2025, 1, 1)),
    ("15/03/2568", D(2025, 3, 15)),
    ("15/03/68", D(2025, 3, 15)),
    ("2025-03-15", D(2025, 3, 15)),
    ("อัปเดตล่าสุด 2025-03-15 08:30", D(2025, 3, 15)),
    ("วันที่ 3 ต.ค. 2567", D(2024, 10, 3)),
    ("ประกาศ ณ วันที่ 28 กุมภาพันธ์ พ.ศ. 2568", D(2025, 2, 28)),
    ("วันจันทร์ที่ 3 มีนาคม 2568 เวลา 10.30 น.", D(2025, 3, 3)),
    ("ลงวันที่ 30 ก.ย.67", D(2024, 9, 30)),
    ("5 เม.ย. 2568", D(2025, 4, 5)),
    ("14 พ.ค. 68", D(2025, 5, 14)),
    ("12 มิ.ย. 68", D(2025, 6, 12)),
    ("15 กรกฏาคม 2568", D(2025, 7, 15)),  # common misspelling of กรกฎาคม
    ("1 ส.ค. 68", D(2025, 8, 1)),
    ("9 พ.ย. 2567", D(2024, 11, 9)),
    ("25 ธ.ค. 2567", D(2024, 12, 25)),
    ("20 ก.พ. 68", D(2025, 2, 20)),
    ("7 ก.ค. 2568", D(2025, 7, 7)),
    ("ประชุมวันที่ ๑๐ ตุลา ๖๗", D(2024, 10, 10)),
    ("March 15, 2025", D(2025, 3, 15)),
    ("15th Mar. 2025", D(2025, 3, 15)),
    ("posted 1 Sept 2024", D(2024, 9, 1)),
    ("รายงานรอบ 6 เดือน 1 ต.ค. 67 - 31 มี.ค. 68", D(2024, 10, 1)),  # the first date
    ("คำสั่งที่ 1/2568 ลงวันที่ 5 ก.พ. 68", D(2025, 2, 5)),  # 1/2568 is an order number
    ("วันที่ 31 ก.พ. 2568 แก้ไขเป็น 28 ก.พ. 2568", D(2025, 2, 28)),  # impossible date skipped
    ("ปีงบประมาณ 2568", None),
    ("มีนาคม 2568", None),  # no day
    ("31/02/2568", None),
    ("โทร 02-568-1234", None),
    ("ISBN 978-616-2568-12-3", None),
    ("", None),
]


@pytest.mark.parametrize("text, expected", [(t, d) for t, d in PARSE_DATE if d])
def test_a_dated_text_shows_the_fiscal_year_of_its_first_date(text, expected):
    first = next(m for m in find_years(text) if m.kind == "period")
    assert first.first == fiscal_year(expected)


TH_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
           "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
TH_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
           "พ.ย.", "ธ.ค."]
EN = ["January", "Feb", "Mar.", "April", "May", "Jun", "July", "Aug.", "Sep", "Oct.", "Nov",
      "December"]
MONTH_FORMS = [(month, form) for month, names in enumerate(zip(TH_FULL, TH_ABBR, EN), 1)
               for form in (*names, names[1].replace(".", ""), names[1].rstrip("."))]


@pytest.mark.parametrize("month, form", MONTH_FORMS)
def test_every_month_form(month, form):
    # full, abbreviated with dots, without dots, without the final dot, English
    assert [(m.kind, m.first) for m in find_years(f"วันที่ 9 {form} 2568")] == [
        ("period", fiscal_year(D(2025, month, 9)))]
    assert [(m.kind, m.first) for m in find_years(f"ประจำเดือน {form} 68")] == [
        ("period", 2569 if month >= 10 else 2568)]


FIND_YEARS = [
    # explicit fiscal years
    ("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", [("fiscal", 2568, 2568)]),
    ("ปีงบประมาณ 2568", [("fiscal", 2568, 2568)]),
    ("ปีงบประมาณ2567", [("fiscal", 2567, 2567)]),
    ("รายงานผลการดำเนินงาน ประจำปีงบประมาณ 67", [("fiscal", 2567, 2567)]),
    ("งบประมาณ 2568", [("fiscal", 2568, 2568)]),
    ("ปีงบฯ 2567", [("fiscal", 2567, 2567)]),
    ("Annual Report FY2025", [("fiscal", 2568, 2568)]),
    ("Fiscal Year 2024", [("fiscal", 2567, 2567)]),
    # multi-year ranges
    ("แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", [("range", 2566, 2570)]),
    ("แผนยุทธศาสตร์ 2566-2570", [("range", 2566, 2570)]),
    ("แผนพัฒนาท้องถิ่นสี่ปี (2561-2565)", [("range", 2561, 2565)]),
    ("2566 ถึง 2570", [("range", 2566, 2570)]),
    ("แผนพัฒนาบุคลากร 2566-70", [("range", 2566, 2570)]),
    ("แผนอัตรากำลัง 3 ปี ปีงบประมาณ 2567-2569", [("range", 2567, 2569)]),
    ("แผนพัฒนาท้องถิ่น พ.ศ. ๒๕๖๖ – พ.ศ. ๒๕๗๐", [("range", 2566, 2570)]),
    ("Strategic Plan ค.ศ. 2023-2027", [("range", 2566, 2570)]),
    # periods: dates and months give the fiscal year they fall in
    ("รายงานการกำกับติดตาม รอบ 6 เดือน (ต.ค. 67 - มี.ค. 68)", [("period", 2568, 2568)]),
    ("1 ตุลาคม 2567 – 31 มีนาคม 2568", [("period", 2568, 2568)]),
    ("01/10/2567 - 31/03/2568", [("period", 2568, 2568)]),
    ("ข้อมูล ณ วันที่ 15 มี.ค. 2568", [("period", 2568, 2568)]),
    ("สรุปผลการจัดซื้อจัดจ้าง ประจำเดือนตุลาคม 2567", [("period", 2568, 2568)]),
    ("สขร.1 เดือนกันยายน 2567", [("period", 2567, 2567)]),
    ("ไตรมาสที่ 1 (ต.ค. - ธ.ค. 67)", [("period", 2568, 2568)]),
    ("ตั้งแต่เดือนตุลาคม 2566 ถึงเดือนกันยายน 2568", [("period", 2567, 2568)]),
    ("ต.ค. 66 - ก.ย. 68", [("period", 2567, 2568)]),
    ("October 2024 - March 2025", [("period", 2568, 2568)]),
    ("updated 15 March 2025", [("period", 2568, 2568)]),
    # bare years, C.E. only with ค.ศ. or next to ITA/OIT
    ("ITA 2568", [("year", 2568, 2568)]),
    ("การประเมิน ITA ประจำปี 2568", [("year", 2568, 2568)]),
    ("OIT 2025", [("year", 2568, 2568)]),
    ("ค.ศ. 2025", [("year", 2568, 2568)]),
    ("พ.ศ.2567", [("year", 2567, 2567)]),
    ("รายงานประจำปี 67", [("year", 2567, 2567)]),
    ("ข่าวประชาสัมพันธ์ ปี 2568", [("year", 2568, 2568)]),
    ("ปีการศึกษา 2568", [("year", 2568, 2568)]),
    ("ITA2568", [("year", 2568, 2568)]),
    ("ITA 2568 หน้าหลัก", [("year", 2568, 2568)]),
    ("ปี 2568 ข้อมูล ณ วันที่", [("year", 2568, 2568)]),
    ("ข้อมูลปี 2566, 2567 และ 2568", [("year", 2566, 2566), ("year", 2567, 2567), ("year", 2568, 2568)]),
    # several mentions in one text
    ("ITA ๒๕๖๘ : O12 รายงานผลการจัดซื้อจัดจ้าง ปีงบประมาณ 2568 (ต.ค. 67 - มี.ค. 68)",
     [("year", 2568, 2568), ("fiscal", 2568, 2568), ("period", 2568, 2568)]),
    ("แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570) เพิ่มเติม ครั้งที่ 1/2568",
     [("range", 2566, 2570), ("year", 2568, 2568)]),
    ("โทร. 0-2568-1234 ข่าวประจำปี 2568", [("year", 2568, 2568)]),
    # not years: phones, money, counts, URLs, codes, times, C.E. without context
    ("โทร. 0-2568-1234", []),
    ("โทรศัพท์ 02 568 1234 ต่อ 2568", []),
    ("สายด่วน 0 2568 1234", []),
    ("Tel. +66 2 568 1234", []),
    ("(02) 568-1234", []),
    ("มือถือ 081-256-8123", []),
    ("งบประมาณ 2,568,000 บาท", []),
    ("ราคากลาง 2,568 บาท", []),
    ("เป็นเงิน 2568.00 บาท", []),
    ("วงเงิน 2568 บาท", []),
    ("งบประมาณ 68 ล้านบาท", []),
    ("จำนวน 2568 ราย", []),
    ("เอกสารแนบ 2568 หน้า", []),
    ("https://www.example.go.th/ita2568/o12.pdf", []),
    ("ดูที่ www.abc.go.th/news/2568/ ", []),
    ("อีเมล saraban@abc2568.go.th", []),
    ("doc2568x", []),
    ("ไฟล์ o12_x2568y", []),
    ("เวลา 10:25 - 16:30 น.", []),
    ("25681234", []),
    ("ISBN 978-616-2568-12-3", []),
    ("2025", []),
    ("ปี 2025", []),
    ("ผู้รับบริการ 68 ราย", []),
    ("OIT 43 ข้อ", []),  # the old 43-item checklist, not 2543
    ("ยุทธศาสตร์ชาติ 20 ปี (พ.ศ. 2561 - 2580)", []),  # a 20-year span is no agency plan period
]


def _kinds(text):
    return [(m.kind, m.first, m.last) for m in find_years(text)]


@pytest.mark.parametrize("text, expected", FIND_YEARS)
def test_find_years(text, expected):
    assert _kinds(text) == expected


@pytest.mark.parametrize("text, _", FIND_YEARS)
def test_mentions_are_well_formed(text, _):
    found = find_years(text)
    norm = normalize(text)
    for m in found:
        assert 0 <= m.start < m.end <= len(norm)
        assert 0 <= m.last - m.first <= 10
        assert (m.kind == "range") <= (m.first < m.last)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))  # ordered, one mention per span
    assert find_years(norm) == found  # offsets refer to the normalised text


def test_spans_point_into_normalised_text():
    text = "\u200bITA ๒๕๖๘ : O12 ปีงบประมาณ ๒๕๖๘ (ต.ค. ๖๗ – มี.ค. ๖๘) ข\uf70bอม\uf719ล ณ 31 มีนาคม 2568"
    norm = normalize(text)
    assert [norm[m.start:m.end] for m in find_years(text)] == [
        "ita 2568", "ปีงบประมาณ 2568", "ต.ค. 67 - มี.ค. 68", "31 มีนาคม 2568"]


@pytest.mark.parametrize("text, _", FIND_YEARS)
def test_a_long_text_finds_what_its_parts_find(text, _):
    """Long texts are scanned only near their digits: a mention far inside a long page, with a
    month name or keyword well before its digits, is found as it is on its own."""
    filler = "ข้อมูลข่าวสารของหน่วยงาน แผนงานและโครงการ " * 20
    norm = normalize(text)
    alone = [(m.kind, m.first, m.last, norm[m.start:m.end]) for m in find_years(norm)]
    long = filler + norm + " " + filler
    inside = [(m.kind, m.first, m.last, long[m.start:m.end]) for m in find_years(long)]
    assert inside == alone


def test_year_mention_is_frozen():
    m = YearMention("year", 2568, 2568, 0, 4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.first = 2567


def test_span_years():
    mentions = find_years("แผนพัฒนาท้องถิ่น (พ.ศ. 2566-2570) และรายงานปีงบประมาณ 2567")
    assert span_years((m.first, m.last) for m in mentions) == [2566, 2567, 2568, 2569, 2570]
    assert span_years((m.first, m.last) for m in find_years("ต.ค. 66 - ก.ย. 68")) == [2567, 2568]
    assert span_years([]) == []
