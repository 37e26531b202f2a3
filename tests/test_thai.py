import random
import unicodedata

import pytest

from crawler.thai import compact, contains, normalize, phrase_len

NORMALIZE = [
    # Thai digits, Latin lower-cased, the title shape seen on ITA index pages
    ("ITA ๒๕๖๘ : O12 รายงานผลการจัดซื้อจัดจ้าง", "ita 2568 : o12 รายงานผลการจัดซื้อจัดจ้าง"),
    ("ปีงบประมาณ พ.ศ. ๒๕๖๘", "ปีงบประมาณ พ.ศ. 2568"),
    ("โทร. ๐-๒๕๖๘-๑๒๓๔", "โทร. 0-2568-1234"),
    # decomposed sara am from pypdf, with the tone mark on either side of the nikhahit
    ("การด\u0e4d\u0e32เนินงาน", "การดำเนินงาน"),
    ("ส\u0e4d\u0e32นักงานเทศบาล", "สำนักงานเทศบาล"),
    ("คุณภาพน\u0e4d\u0e49\u0e32", "คุณภาพน\u0e49\u0e33"),
    ("ระดับต\u0e48\u0e4d\u0e32กว่าเกณฑ์", "ระดับต\u0e48\u0e33กว่าเกณฑ์"),
    # private-use glyphs of Thai PDF fonts
    ("ข\uf70bอม\uf719ลผ\uf719\uf70bบร\uf701หาร", "ข้อมูลผู้บริหาร"),
    ("โครงสร\uf714างและอ\uf711านาจหน\uf70bาท\uf702\uf70a", "โครงสร้างและอำนาจหน้าที่"),
    ("ประมวลจร\uf701ยธรรมส\uf711าหร\uf710บเจ\uf70bาหน\uf70bาท\uf702\uf70aของร\uf710ฐ",
     "ประมวลจริยธรรมสำหรับเจ้าหน้าที่ของรัฐ"),
    ("ค\uf718ณธรรมและความโปร\uf713งใส", "คุณธรรมและความโปร่งใส"),
    ("การร\uf70bองเร\uf702ยนเป\uf712นลายล\uf710กษณ\uf70eอ\uf710กษรหร\uf704ออ\uf704\uf705น",
     "การร้องเรียนเป็นลายลักษณ์อักษรหรืออื่น"),
    ("ซ\uf703\uf70aงเป\uf712นเร\uf704\uf705องส\uf711าค\uf710\uf70f", "ซึ่งเป็นเรื่องสำคัญ"),
    ("การร\uf710บทร\uf710พย\uf709ส\uf701นหร\uf704อประโยชน\uf717อ\uf704\uf70aนใด",
     "การรับทรัพย์สินหรือประโยชน์อื่นใด"),
    ("ข\uf70bอม\uf719ลพ\uf704\uf70bน\uf700าน", "ข้อมูลพื้นฐาน"),
    # zero-width characters and soft hyphens vanish; every Unicode space becomes one space
    ("แผน\u200bปฏิบัติ\u200bการ", "แผนปฏิบัติการ"),
    ("\ufeffประกาศเจตนารมณ์", "ประกาศเจตนารมณ์"),
    ("ความ\u00adโปร่ง\u200cใส", "ความโปร่งใส"),
    ("ITA\xa02568", "ita 2568"),
    ("  O1\t\n โครงสร้าง\u2003หน่วยงาน\u3000 ", "o1 โครงสร้าง หน่วยงาน"),
    # full-width Latin and digits, dashes, fancy quotes
    ("ＩＴＡ　２５６８　Ｏ１２", "ita 2568 o12"),
    ("แผนพัฒนาท้องถิ่น (พ.ศ. 2566 – 2570)", "แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)"),
    ("ต.ค. 67 — มี.ค. 68 ‒ 2566−2570", "ต.ค. 67 - มี.ค. 68 - 2566-2570"),
    ("ประกาศ “No Gift Policy” ‘งดรับ งดให้’", "ประกาศ \"no gift policy\" 'งดรับ งดให้'"),
    ("E-Service / e-SERVICE", "e-service / e-service"),
    # NFC: composed Latin accents, canonical order of Thai marks
    ("Cafe\u0301 ITA", "café ita"),
    ("ก\u0e48\u0e38", "ก\u0e38\u0e48"),
    # typed out of order or twice, the same on screen: tone before its above vowel, sara e twice
    ("เจ้าหน้าท\u0e48\u0e35", "เจ้าหน้าที่"),
    ("ศักด\u0e4c\u0e34ศร\u0e35", "ศักดิ์ศรี"),
    ("ก\u0e49\u0e31น", "กั้น"),
    ("\u0e40\u0e40ผนพัฒนาท้องถิ่น", "แผนพัฒนาท้องถิ่น"),
]


@pytest.mark.parametrize("raw, expected", NORMALIZE)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw, expected", NORMALIZE)
def test_normalize_is_idempotent_on_table(raw, expected):
    assert normalize(expected) == expected


PUA = {
    0xF700: "ฐ", 0xF701: "ิ", 0xF702: "ี", 0xF703: "ึ", 0xF704: "ื",
    0xF705: "่", 0xF706: "้", 0xF707: "๊", 0xF708: "๋", 0xF709: "์",
    0xF70A: "่", 0xF70B: "้", 0xF70C: "๊", 0xF70D: "๋", 0xF70E: "์",
    0xF70F: "ญ", 0xF710: "ั", 0xF711: "ํ", 0xF712: "็",
    0xF713: "่", 0xF714: "้", 0xF715: "๊", 0xF716: "๋", 0xF717: "์",
    0xF718: "ุ", 0xF719: "ู", 0xF71A: "ฺ",
}


@pytest.mark.parametrize("code, char", sorted(PUA.items()))
def test_every_pua_glyph(code, char):
    assert normalize("ก" + chr(code)) == unicodedata.normalize("NFC", "ก" + char)


def test_thai_is_not_nfkc_decomposed():
    # NFKC would split sara am into nikhahit + sara aa; Thai text must keep the stored form
    assert normalize("กำหนด") == "กำหนด"
    assert "\u0e4d" not in normalize("น้ำ ทำ ค่ำ")


def test_normalize_is_idempotent_on_random_strings():
    pool = ("กนมรสอาำเ\u0e4d\u0e32\u0e48\u0e49\u0e4b\u0e4c\u0e38\u0e3a\u0e34\u0e37\u0e31๐๕๘ 0aZ\u0301"
            "\u200b\u200d\ufeff\u00ad\xa0\u2003\u3000\t\n–—−“”‘’ＡＺ０９\u212b\u2126"
            + "".join(map(chr, PUA)))
    rng = random.Random(2568)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        once = normalize(text)
        assert normalize(once) == once, repr(text)


COMPACT = [
    ("แผน ปฏิบัติ การ", "แผนปฏิบัติการ"),
    ("No Gift  Policy", "nogiftpolicy"),
    ("ITA ๒๕๖๘ : O12", "ita2568:o12"),
    ("ข\uf70bอม\uf719ล\xa0ผ\uf719\uf70bบร\uf701หาร", "ข้อมูลผู้บริหาร"),
    ("\u200b  \n", ""),
]


@pytest.mark.parametrize("raw, expected", COMPACT)
def test_compact(raw, expected):
    assert compact(raw) == expected


PAGE = compact(
    "ITA ๒๕๖๘ O25 แผน ปฏิบัติ การ ป\uf70bองก\uf710นการท\uf718จร\uf701ต ประจ\u0e4d\u0e32ปีงบประมาณ ๒๕๖๘ "
    "ประกาศเจตนารมณ์ NO GIFT POLICY มาตรการส่งเสริมความโปร่งใน"
)

CONTAINS = [
    ("แผนปฏิบัติการป้องกันการทุจริต", True),
    ("แผน ปฏิบัติการ ป้องกัน การทุจริต", True),
    ("ประจำปีงบประมาณ ๒๕๖๘", True),
    ("No Gift Policy", True),
    ("ITA 2568", True),
    (["ประกาศเจตนารมณ์", "no gift"], True),
    (["แผนปฏิบัติการ", "รายงานผล"], False),
    ("ความโปร่งใส", False),  # the page misspells it "ความโปร่งใน"
    ("แผนพัฒนาบุคลากร", False),
    ("", False),
    ("   ", False),
    ([], False),
    (["แผน", ""], False),
]


@pytest.mark.parametrize("phrase, expected", CONTAINS)
def test_contains(phrase, expected):
    assert contains(PAGE, phrase) is expected


@pytest.mark.parametrize("phrase, expected", [
    ("แผน ปฏิบัติ การ", len("แผนปฏิบัติการ")),
    (["ประมวล", "จริยธรรม"], len("ประมวล") + len("จริยธรรม")),
    ("No Gift Policy", len("nogiftpolicy")),
    ("ส\u0e4d\u0e32นักงาน", len("สำนักงาน")),
    ("", 0),
])
def test_phrase_len(phrase, expected):
    assert phrase_len(phrase) == expected


def test_longer_phrase_is_more_specific():
    assert phrase_len("รายงานผลการจัดซื้อจัดจ้างประจำปี") > phrase_len("การจัดซื้อจัดจ้าง")
