"""The shipped rule file (rules/oit-2568.yaml) and the loader/checker in crawler.rules."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crawler import rules
from crawler.models import Freshness, RuleSet
from crawler.thai import compact, contains, phrase_len

RULE_FILE = rules.RULES_DIR / "oit-2568.yaml"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return rules.load("2568")


def which_item(rs: RuleSet, text: str) -> str | None:
    """The item a short text names, as the engine chooses it: the longest matching `names`
    phrase wins (a list counts the sum of its parts), an item whose `exclude` matches is skipped,
    and a text of another scheme (top-level `exclude`) names nothing. Two different items tied
    at the top length come back as "tie:..." so that an ambiguous rule shows up in the test."""
    c = compact(text)
    if any(contains(c, p) for p in rs.exclude):
        return None
    best: dict[str, int] = {}
    for item in rs.items:
        if any(contains(c, x) for x in item.match.exclude):
            continue
        lengths = [phrase_len(p) for p in item.match.names if contains(c, p)]
        if lengths:
            best[item.code] = max(lengths)
    if not best:
        return None
    top = max(best.values())
    winners = sorted(code for code, n in best.items() if n == top)
    return winners[0] if len(winners) == 1 else "tie:" + ",".join(winners)


# ---------------------------------------------------------------- the shipped rule file


def test_shipped_file_is_valid():
    assert rules.check_file(RULE_FILE) == []


def test_shipped_file_has_the_28_items_of_2568(ruleset):
    assert ruleset.year == 2568
    codes = [item.code for item in ruleset.items]
    assert codes == [f"O{n}" for n in range(1, 29)]
    assert len(set(codes)) == 28
    assert {item.indicator for item in ruleset.items[:20]} == {"9"}
    assert {item.indicator for item in ruleset.items[20:]} == {"10"}
    assert [b.band for b in ruleset.bands] == ["AA", "A", "B", "C", "D", "E", "F"]
    assert (ruleset.answer_window.start.isoformat(), ruleset.answer_window.end.isoformat()) == \
        ("2025-01-01", "2025-06-30")


def test_freshness_and_channels(ruleset):
    fresh = {item.code: item.freshness for item in ruleset.items}
    assert fresh["O5"] == fresh["O14"] == Freshness.plan_covers
    assert all(fresh[c] == Freshness.none for c in ("O1", "O2", "O3", "O8", "O9", "O10", "O17", "O18"))
    assert all(fresh[c] == Freshness.previous for c in ("O7", "O13", "O15", "O24", "O26", "O28"))
    assert all(fresh[c] == Freshness.current_or_previous for c in ("O11", "O19", "O22"))
    assert fresh["O16"] == fresh["O12"] == fresh["O25"] == Freshness.current
    assert [item.code for item in ruleset.items if item.must_work] == ["O10", "O18"]


def test_phrases_hold_no_item_codes_or_bare_years(ruleset):
    for item in ruleset.items:
        for phrase in item.match.names + item.match.keywords + item.match.exclude:
            for part in [phrase] if isinstance(phrase, str) else phrase:
                assert not re.fullmatch(r"o\d+|25\d\d|\d+", compact(part)), (item.code, part)
                assert not re.search(r"(?<![a-z])o\d", compact(part)), (item.code, part)


# Link texts, table rows and page titles as they appear on Thai agency sites (Thai digits,
# PDF-extracted spacing and decomposed sara am, misspellings), with the item they name.
NAMED = [
    # O1
    ("โครงสร้างองค์กร", "O1"),
    ("O1 โครงสร้างและอำนาจหน้าที่", "O1"),
    ("แผนภูมิโครงสร้างการแบ่งส่วนราชการ องค์การบริหารส่วนตำบล", "O1"),
    ("หน้าที่และอำนาจ", "O1"),
    ("อำนาจหน้าที่ ตามพระราชบัญญัติเทศบาล พ.ศ. ๒๔๙๖", "O1"),
    ("ภารกิจและอำนาจหน้าที่", "O1"),
    # O2
    ("คณะผู้บริหาร", "O2"),
    ("ทำเนียบผู้บริหาร", "O2"),
    ("ข้อมูลผู้บริหาร", "O2"),
    # O3
    ("ติดต่อเรา", "O3"),
    ("ช่องทางการติดต่อ", "O3"),
    ("ถาม-ตอบ (Q&A)", "O3"),
    ("Contact Us", "O3"),
    # O4
    ("ข่าวประชาสัมพันธ์", "O4"),
    ("ข่าวกิจกรรม", "O4"),
    ("ภารกิจผู้บริหาร", "O4"),
    ("ภาพกิจกรรม", "O4"),
    # O5
    ("แผนพัฒนาท้องถิ่น (พ.ศ. ๒๕๖๖ - ๒๕๗๐)", "O5"),
    ("แผนยุทธศาสตร์ 5 ปี", "O5"),
    ("แผนพัฒนาสถานศึกษา พ.ศ. 2566-2570", "O5"),
    ("แผนปฏิบัติราชการ ระยะ 5 ปี (พ.ศ. 2566 - 2570)", "O5"),
    ("แผนพัฒนาอำเภอ", "O5"),
    # O6
    ("แผนการดำเนินงาน ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "O6"),
    ("รายงานการกำกับติดตามการดำเนินงานและการใช้จ่ายงบประมาณ ประจำปี รอบ 6 เดือน", "O6"),
    ("เทศบัญญัติงบประมาณรายจ่ายประจำปี 2568", "O6"),
    ("แผนการใช้จ่ายงบประมาณ ประจำปี 2568", "O6"),
    ("รายงานผลการดำเนินงานประจำปี 2568 รอบ 6 เดือน (ต.ค. 67 - มี.ค. 68)", "O6"),
    ("แผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. 2568", "O6"),
    # O7
    ("รายงานผลการดำเนินงานประจำปี 2567", "O7"),
    ("รายงานประจำปี ๒๕๖๗", "O7"),
    ("รายงานการติดตามและประเมินผลแผนพัฒนาท้องถิ่น ประจำปี 2567", "O7"),
    ("ร า ย ง า น ผ ล ก า ร ด\u0e4dา เ นิ น ง า น ป ร ะ จ\u0e4dา ปี ๒๕๖๗", "O7"),
    ("รายงานผลการปฏิบัติราชการตามแผนปฏิบัติราชการประจำปี พ.ศ. 2567", "O7"),
    # O8
    ("คู่มือการปฏิบัติงาน", "O8"),
    ("มาตรฐานการปฏิบัติงาน (SOP)", "O8"),
    ("คู่มือปฏิบัติงานด้านการเงินและบัญชี", "O8"),
    # O9
    ("คู่มือสำหรับประชาชน", "O9"),
    ("คู่มือการให้บริการประชาชน งานทะเบียนราษฎร", "O9"),
    ("คู่มือการขอรับบริการ", "O9"),
    # O10
    ("E-Service", "O10"),
    ("บริการออนไลน์", "O10"),
    ("ยื่นคำร้องออนไลน์", "O10"),
    ("จองคิวออนไลน์", "O10"),
    # O11
    ("สถิติการให้บริการ", "O11"),
    ("รายงานสถิติการให้บริการประชาชน ประจำปี 2567", "O11"),
    ("ข้อมูลสถิติการให้บริการ ปีงบประมาณ ๒๕๖๘", "O11"),
    # O12
    ("ประกาศจัดซื้อจัดจ้าง", "O12"),
    ("สรุปผลการดำเนินการจัดซื้อจัดจ้างในรอบเดือน ตุลาคม ๒๕๖๗ (สขร.1)", "O12"),
    ("สรุปผลการจัดซื้อจัดจ้างประจำปีงบประมาณ 2568 ประจำเดือน มกราคม", "O12"),
    ("แผนการจัดซื้อจัดจ้าง ประจำปี 2568", "O12"),
    ("ความก้าวหน้าการจัดซื้อจัดจ้าง", "O12"),
    ("ข่าวประชาสัมพันธ์จัดซื้อจัดจ้าง", "O12"),
    # O13
    ("รายงานผลการจัดซื้อจัดจ้างประจำปี 2567", "O13"),
    ("รายงานสรุปผลการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. 2567", "O13"),
    ("รายงานผลการจัดซื้อจัดจ้างหรือการจัดหาพัสดุประจำปี 2567", "O13"),
    ("การวิเคราะห์ผลการจัดซื้อจัดจ้าง ปี 2567", "O13"),
    ("รายงานสรุปผลการจัดซื้อจัดจ้าง", "O13"),
    # O14
    ("แผนพัฒนาบุคลากร ประจำปี 2568", "O14"),
    ("แผนอัตรากำลัง 3 ปี (พ.ศ. 2567-2569)", "O14"),
    ("แผนการบริหารและพัฒนาทรัพยากรบุคคล", "O14"),
    ("นโยบายการบริหารทรัพยากรบุคคล", "O14"),
    # O15
    ("รายงานผลการบริหารและพัฒนาทรัพยากรบุคคลประจำปี 2567", "O15"),
    ("รายงานผลการพัฒนาบุคลากร ประจำปี ๒๕๖๗", "O15"),
    ("รายงานผลการดำเนินงานตามแผนพัฒนาบุคลากร", "O15"),
    # O16
    ("ประมวลจริยธรรมสำหรับเจ้าหน้าที่ของรัฐ", "O16"),
    ("การขับเคลื่อนจริยธรรม", "O16"),
    ("โครงการส่งเสริมคุณธรรมจริยธรรม ประจำปี 2568", "O16"),
    # O17
    ("แนวปฏิบัติการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "O17"),
    ("คู่มือการจัดการเรื่องร้องเรียน", "O17"),
    ("คู่มือการปฏิบัติงานเรื่องร้องเรียนการทุจริต", "O17"),
    ("ขั้นตอนการแจ้งเรื่องร้องเรียนการทุจริต", "O17"),
    # O18
    ("ช่องทางแจ้งเรื่องร้องเรียนการทุจริต", "O18"),
    ("แจ้งเบาะแสการทุจริต", "O18"),
    ("ร้องเรียนการทุจริตและประพฤติมิชอบ", "O18"),
    ("ร้องเรียน/ร้องทุกข์ การทุจริต", "O18"),
    # O19
    ("สถิติเรื่องร้องเรียนการทุจริต ประจำปี ๒๕๖๘", "O19"),
    ("ข้อมูลสถิติเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ", "O19"),
    ("รายงานผลการดำเนินการเรื่องร้องเรียนการทุจริต ประจำปี 2567", "O19"),
    ("สถิติเรื่องร้องเรียน", "O19"),
    # O20
    ("การเปิดโอกาสให้เกิดการมีส่วนร่วม", "O20"),
    ("ช่องทางการรับฟังความคิดเห็น", "O20"),
    ("ประชุมประชาคมแผนพัฒนาท้องถิ่น", "O20"),
    # O21
    ("ประกาศเจตนารมณ์ No Gift Policy", "O21"),
    ("นโยบายไม่รับของขวัญ (No Gift Policy)", "O21"),
    ("งดรับ งดให้ ของขวัญ", "O21"),
    ("ประชาสัมพันธ์ No Gift Policy", "O21"),
    # O22
    ("รายงานการรับทรัพย์สินหรือประโยชน์อื่นใดโดยธรรมจรรยา", "O22"),
    ("แบบรายงานการรับของขวัญ ตามนโยบาย No Gift Policy", "O22"),
    ("รายงานผลการรับของขวัญหรือประโยชน์อื่นใด ประจำปี 2568", "O22"),
    # O23
    ("การประเมินความเสี่ยงการทุจริต ประจำปี 2568", "O23"),
    ("แผนบริหารจัดการความเสี่ยง", "O23"),
    ("การประเมินความเสี่ยงที่อาจเกิดการให้หรือรับสินบน", "O23"),
    ("รายงานผลการประเมินความเสี่ยงการทุจริต ปี ๒๕๖๘", "O23"),
    # O24
    ("รายงานผลการดำเนินการเพื่อจัดการความเสี่ยงการทุจริตและประพฤติมิชอบ", "O24"),
    ("รายงานผลการดำเนินงานตามแผนบริหารจัดการความเสี่ยง ปี 2567", "O24"),
    ("รายงานผลตามแผนบริหารความเสี่ยงการทุจริต ประจำปี 2567", "O24"),
    # O25
    ("แผนปฏิบัติการป้องกันการทุจริต ประจำปี 2568", "O25"),
    ("แผนป้องกันการทุจริต", "O25"),
    ("แผนปฏิบัติการป้องกันและปราบปรามการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๘", "O25"),
    # O26
    ("รายงานผลการดำเนินการป้องกันการทุจริตประจำปี 2567", "O26"),
    ("รายงานผลการดำเนินงานตามแผนปฏิบัติการป้องกันการทุจริต", "O26"),
    ("สรุปผลการดำเนินงานตามแผนป้องกันการทุจริต ประจำปี 2567", "O26"),
    # O27
    ("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "O27"),
    ("มาตรการภายใน", "O27"),
    ("มาตรการส่งเสริมคุณธรรมและความโปร่งในภายในหน่วยงาน", "O27"),
    ("การวิเคราะห์ผลการประเมินคุณธรรมและความโปร่งใส ปี 2567", "O27"),
    # O28
    ("รายงานผลการดำเนินการเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน", "O28"),
    ("รายงานผลการดำเนินการตามมาตรการภายใน", "O28"),
    ("รายงานผลการดำเนินการตามมาตรการส่งเสริมคุณธรรมและความโปร่งใน ประจำปี 2567", "O28"),
]

NOTHING = [
    "หน้าหลัก",
    "ดาวน์โหลด",
    "คลิกที่นี่",
    "เว็บไซต์ที่เกี่ยวข้อง",
    "ร้องทุกข์ร้องเรียน",             # a general channel, no corruption word: not O18
    "ร้องเรียนร้องทุกข์ทั่วไป",
    "แจ้งเบาะแสยาเสพติด",
    "สถิติผู้เข้าชมเว็บไซต์",
    "ทำเนียบบุคลากร",
    "ศูนย์ข้อมูลข่าวสาร",
    "การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ (ITA)",
    "รายงานผลการประเมินคุณธรรมและความโปร่งใส ITA ปี 2567",
    "MOIT 1 หน่วยงานมีการวางระบบโดยการกำหนดมาตรการการเผยแพร่ข้อมูลต่อสาธารณะผ่านเว็บไซต์",
    "MOIT 8 รายงานผลการดำเนินการป้องกันการทุจริต",
    "ทำเนียบอดีตผู้บริหาร",
    "รายงานผลการตรวจสอบพัสดุประจำปี",
]


@pytest.mark.parametrize("text,code", NAMED, ids=[f"{c}:{t[:30]}" for t, c in NAMED])
def test_realistic_texts_name_their_item(ruleset, text, code):
    assert which_item(ruleset, text) == code


@pytest.mark.parametrize("text", NOTHING)
def test_texts_that_name_no_item(ruleset, text):
    assert which_item(ruleset, text) is None


def test_infrastructure_is_not_the_organisation_structure(ruleset):
    assert which_item(ruleset, "โครงการปรับปรุงโครงสร้างพื้นฐาน") is None
    assert which_item(ruleset, "แผนพัฒนาโครงสร้างพื้นฐาน") == "O5"


def test_every_item_is_covered_by_the_table():
    assert {code for _, code in NAMED} == {f"O{n}" for n in range(1, 29)}
    assert all(sum(c == code for _, c in NAMED) >= 3 for code in {c for _, c in NAMED})


def test_index_names_recognise_index_pages(ruleset):
    def index(text):
        c = compact(text)
        return any(contains(c, p) for p in ruleset.index_names)
    assert index("ITA 2568")
    assert index("การประเมินคุณธรรมและความโปร่งใสในการดำเนินงานของหน่วยงานภาครัฐ")
    assert index("OIT ๒๕๖๘ การเปิดเผยข้อมูลสาธารณะ")
    assert not index("ข่าวประชาสัมพันธ์")


# ---------------------------------------------------------------- check_file on broken files


def _broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    """A copy of the shipped file with one edit; returns it and the 1-based line of the edit."""
    src = RULE_FILE.read_text(encoding="utf-8")
    assert src.count(old) == 1, old
    line = src[:src.index(old)].count("\n") + 1
    path = tmp_path / "broken.yaml"
    path.write_text(src.replace(old, new), encoding="utf-8")
    return path, line


def test_check_file_wrong_enum_names_path_and_line(tmp_path):
    old = "  freshness: current\n  expect: >-\n    ข่าวประชาสัมพันธ์"  # O4, items[3]
    path, line = _broken(tmp_path, old, old.replace("current", "fresh", 1))
    problems = rules.check_file(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: items[3].freshness: Input should be 'current'")
    assert "'fresh'" in problems[0]


def test_check_file_missing_field_points_at_the_item(tmp_path):
    old = "- code: O2\n  name: ข้อมูลผู้บริหาร\n"
    path, line = _broken(tmp_path, old, "- code: O2\n")
    problems = rules.check_file(path)
    assert problems == [f"{path}:{line}: items[1].name: Field required"]


def test_check_file_duplicate_code_points_at_the_second(tmp_path):
    path, line = _broken(tmp_path, "- code: O5\n", "- code: O4\n")
    problems = rules.check_file(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}: items[4].code: ")
    assert "duplicate item code O4" in problems[0]


def test_check_file_yaml_syntax_error_has_its_line(tmp_path):
    path, line = _broken(tmp_path, "  - {band: A, min: 85}\n", "  - {band: A, min: 85\n")
    problems = rules.check_file(path)
    assert len(problems) == 1
    assert "YAML syntax error" in problems[0]
    reported = int(problems[0].split(":")[1])
    assert line <= reported <= line + 1  # the parser notices at the next token


def test_check_file_unknown_top_level_key(tmp_path):
    path, line = _broken(tmp_path, "scheme: ITA OIT\n", "scheme: ITA OIT\nschema: 2\n")
    problems = rules.check_file(path)
    assert problems == [f"{path}:{line + 1}: schema: Extra inputs are not permitted"]


def test_check_file_phrases_must_be_text(tmp_path):
    old = "      - ข่าวภารกิจ\n"  # O4, items[3].match.names[4]
    path, line = _broken(tmp_path, old, "      - 2568\n      - ''\n      - [ข่าว, 5]\n")
    problems = rules.check_file(path)
    assert problems == [
        f"{path}:{line}: items[3].match.names[4]: a phrase must be text, got 2568",
        f"{path}:{line + 1}: items[3].match.names[5]: empty phrase (it can never match)",
        f"{path}:{line + 2}: items[3].match.names[6]: a phrase part must be text, got 5",
    ]


def test_check_file_duplicate_key(tmp_path):
    old = "    url_words: [news, press, activity, activities]\n"
    path, line = _broken(tmp_path, old, "    names: [ข่าว]\n" + old)
    problems = rules.check_file(path)
    assert problems == [f"{path}:{line}: items[3].match.names: duplicate key 'names' "
                        "(only the last one would count)"]


def test_check_file_empty_and_non_mapping(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing yet\n")
    assert rules.check_file(empty) == [f"{empty}:1: empty file"]
    listed = tmp_path / "list.yaml"
    listed.write_text("- year: 2568\n")
    assert rules.check_file(listed)[0].startswith(f"{listed}:1: the top level must be a mapping")
    missing = tmp_path / "nothere.yaml"
    assert rules.check_file(missing)[0].startswith(f"{missing}: cannot read")


def test_load_rejects_an_invalid_file_with_every_problem(tmp_path):
    path, line = _broken(tmp_path, "year: 2568\n", "year: two\n")
    with pytest.raises(rules.RulesError) as exc:
        rules.load(str(path))
    assert str(exc.value).startswith(f"{path}:{line}: year: Input should be a valid integer")


# ---------------------------------------------------------------- resolve and load


def test_years_and_default():
    assert 2568 in rules.available_years()
    assert rules.default_year() == max(rules.available_years())
    assert rules.resolve(None) == rules.RULES_DIR / f"oit-{rules.default_year()}.yaml"
    assert rules.resolve("2568") == RULE_FILE
    assert rules.resolve("๒๕๖๘") == RULE_FILE


def test_unknown_year_names_the_available_years():
    with pytest.raises(rules.RulesError) as exc:
        rules.resolve("2575")
    available = ", ".join(map(str, rules.available_years()))
    assert str(exc.value) == f"no rules for 2575; available: {available}"
    with pytest.raises(rules.RulesError, match="available: 2568, 2569, 2570"):
        rules.load("๒๕๗๕")


def test_years_in_another_folder(tmp_path):
    for year in (2568, 2569):
        (tmp_path / f"oit-{year}.yaml").write_text((rules.RULES_DIR / f"oit-{year}.yaml").read_text(encoding="utf-8"),
                                                   encoding="utf-8")
    (tmp_path / "notes.yaml").write_text("")
    assert rules.available_years(tmp_path) == [2568, 2569]
    assert rules.default_year(tmp_path, today=dt.date(2025, 2, 1)) == 2568
    assert rules.default_year(tmp_path, today=dt.date(2027, 2, 1)) == 2569  # every window passed: the newest
    assert rules.resolve(None, tmp_path).parent == tmp_path
    with pytest.raises(rules.RulesError, match="no rule files"):
        rules.default_year(tmp_path / "empty")


def test_load_by_path_and_cache(tmp_path):
    copy = tmp_path / "mine.yaml"
    copy.write_text(RULE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    first = rules.load(str(copy))
    assert first.year == 2568 and rules.load(str(copy)) is first
    assert rules.load() is rules.load(str(rules.default_year()))
    with pytest.raises(rules.RulesError, match="not found"):
        rules.load(str(tmp_path / "missing.yaml"))


@pytest.mark.parametrize("year", rules.available_years())
def test_every_pack_is_valid_and_maps_onto_the_year_before(year):
    path = rules.RULES_DIR / f"oit-{year}.yaml"
    assert rules.check_file(path) == []
    pack = rules.load(str(year))
    assert pack.year == year and pack.answer_window.start.year + 543 == year
    before = rules.RULES_DIR / f"oit-{year - 1}.yaml"
    if before.is_file():  # every item says what it was the year before
        codes = {item.code for item in rules.load(str(year - 1)).items}
        assert all(item.previous and set(item.previous) <= codes for item in pack.items)


def test_the_2569_and_2570_packs_follow_the_published_list():
    p68, p69, p70 = (rules.load(y) for y in ("2568", "2569", "2570"))
    assert (len(p68.items), len(p69.items), len(p70.items)) == (28, 26, 26)
    assert not p68.provisional and not p69.provisional and p70.provisional
    assert p69.item("O11").previous == ["O12"] and p69.item("O20").previous == ["O21", "O22"]
    assert p69.item("O18").freshness is Freshness.current_or_previous  # two periods: either
    # 2570 is 2569 with every year moved on by one
    for a, b in zip(p69.items, p70.items):
        assert (a.code, a.name, a.freshness, b.previous) == (b.code, b.name, b.freshness, [a.code])
    assert "2569" in p69.item("O23").expect and "2570" in p70.item("O23").expect


def test_a_previous_code_the_year_before_lacks_is_reported_with_its_line(tmp_path):
    for y in (2568, 2569):
        (tmp_path / f"oit-{y}.yaml").write_text((rules.RULES_DIR / f"oit-{y}.yaml").read_text(encoding="utf-8"),
                                                encoding="utf-8")
    path = tmp_path / "oit-2569.yaml"
    text = path.read_text(encoding="utf-8").replace("previous: [O21, O22]", "previous: [O21, O29]")
    path.write_text(text, encoding="utf-8")
    line = 1 + text[:text.index("previous: [O21, O29]")].count("\n")
    assert rules.check_file(path) == [f"{path}:{line}: items[19].previous[1]: O29 is not an item of oit-2568.yaml"]


@pytest.mark.parametrize("today, year", [("2025-03-01", 2568), ("2025-07-01", 2569), ("2026-06-30", 2569),
                                         ("2026-12-03", 2570), ("2029-01-01", 2570)])
def test_the_default_year_is_the_assessment_answered_now_or_next(today, year):
    assert rules.default_year(today=dt.date.fromisoformat(today)) == year


def test_lineage_maps_items_across_rule_years():
    assert rules.lineage(2569, 2568)["O11"] == ["O12"] and rules.lineage(2569, 2568)["O20"] == ["O21", "O22"]
    assert rules.lineage(2570, 2568)["O24"] == ["O26"]  # through 2569
    assert rules.lineage(2568, 2569)["O22"] == ["O20"] and "O11" not in rules.lineage(2568, 2569)
    assert rules.lineage(2569, 2567) == {}  # no 2567 pack: nothing to compare by
