"""The agency list as coordinators keep it: CSV from Excel or Google Sheets, or XLSX."""
import pytest
from openpyxl import Workbook

from crawler.agencies import AgencyListError, read
from crawler.urls import site_id as agency_id

HEADER = "name,url,province,district,type,contact\n"


def _csv(tmp_path, text, encoding="utf-8-sig"):
    path = tmp_path / "agencies.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_good_rows_proceed_and_bad_rows_are_named_by_row(tmp_path):
    path = _csv(tmp_path, HEADER + "อบต.หนองบัว,www.nongbua.go.th,ขอนแก่น,บ้านไผ่,อบต.,saraban@nongbua.go.th\n"
                "อบต.ไม่มีเว็บ,,ขอนแก่น,บ้านไผ่,อบต.,\n"
                ",https://x.go.th,ขอนแก่น,เมือง,อบต.,\n"
                "เทศบาลผิด,ht!tp://bad url,ขอนแก่น,เมือง,เทศบาล,\n"
                "\n"
                "อบต.หนองบัว (ซ้ำ),https://nongbua.go.th/,ขอนแก่น,บ้านไผ่,อบต.,\n"
                "เทศบาลตำบลท่าช้าง,https://thachang.go.th/index.php,ขอนแก่น,เมือง,เทศบาล,\n")
    agencies, problems = read(path)
    assert [a.name for a in agencies] == ["อบต.หนองบัว", "เทศบาลตำบลท่าช้าง"]
    assert agencies[0].url == "http://www.nongbua.go.th/" and agencies[0].extra == {"contact": "saraban@nongbua.go.th"}
    assert agencies[1].id == "thachang.go.th"
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["3", "4", "5", "7"]
    assert "no URL" in problems[0] and "no agency name" in problems[1]
    assert "not a website address" in problems[2] and "same website as row 2" in problems[3]


def test_wrong_header_is_one_clear_error(tmp_path):
    with pytest.raises(AgencyListError, match="missing: url"):
        read(_csv(tmp_path, "ชื่อ,เว็บไซต์\nอบต.,x.go.th\n".replace("ชื่อ", "name")))


def test_thai_windows_csv_is_read_with_a_warning(tmp_path):
    agencies, problems = read(_csv(tmp_path, HEADER + "อบต.หนองบัว,nongbua.go.th,ขอนแก่น,บ้านไผ่,อบต.,\n",
                                   encoding="cp874"))
    assert agencies[0].name == "อบต.หนองบัว" and agencies[0].district == "บ้านไผ่"
    assert "windows-874" in problems[0]


def test_xlsx_with_the_same_header(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "url", "province", "district", "type", "โทร"])
    ws.append(["เทศบาลเมือง", "https://www.muang.go.th", "ขอนแก่น", "เมือง", "เทศบาล", 43123456])
    ws.append(["ไม่มีเว็บ", None, "ขอนแก่น", "เมือง", "อบต.", None])
    wb.save(tmp_path / "a.xlsx")
    agencies, problems = read(tmp_path / "a.xlsx")
    assert agencies[0].id == "muang.go.th" and agencies[0].extra == {"โทร": "43123456"}
    assert len(problems) == 1 and ":3:" in problems[0]


def test_missing_or_empty_file(tmp_path):
    with pytest.raises(AgencyListError, match="no such file"):
        read(tmp_path / "nope.csv")
    with pytest.raises(AgencyListError, match="empty"):
        read(_csv(tmp_path, ""))


def test_farm_site_ids_resolve_to_served_urls(tmp_path):
    agencies, _ = read(_csv(tmp_path, HEADER + "อบต.,abt-x,ขอนแก่น,เมือง,อบต.,\n"),
                       farm_sites={"abt-x": "http://127.0.0.1:5000/"})
    assert (agencies[0].id, agencies[0].url) == ("abt-x", "http://127.0.0.1:5000/")


def test_agency_id_is_stable_across_url_spellings():
    assert agency_id("https://www.nongbua.go.th/") == agency_id("http://nongbua.go.th/index.php") == "nongbua.go.th"
    assert agency_id("http://www.moph.go.th/hospital1/") == "moph.go.th/hospital1"
