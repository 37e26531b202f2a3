"""Thai-first labels, colours and small display helpers shared by every reporter."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from crawler.dates import TH_ABBR, THAILAND
from crawler.evaluate import TARGET
from crawler.models import Status



@dataclass(frozen=True)
class StatusLabel:
    code: str  # the English status value (JSON, CSV)
    th: str  # what a clerk reads
    fg: str  # badge text (HTML), contrast >= 7:1 on bg
    bg: str  # badge background (HTML)
    accent: str  # strong colour for borders (HTML)
    rich: str  # terminal style
    help: str  # what the status means for the clerk


STATUS: dict[Status, StatusLabel] = {
    Status.found: StatusLabel(
        "found", "ผ่าน (พบ)", "#0b4a2c", "#d3ecdd", "#198754", "bold green",
        "พบหลักฐานของปีที่กำหนด นำ URL ไปกรอกใน ITAS ได้",
    ),
    Status.stale: StatusLabel(
        "stale", "ไม่เป็นปัจจุบัน", "#5c4300", "#fdf0c4", "#c28a00", "bold yellow",
        "พบหลักฐาน แต่เป็นของปีอื่น ต้องเผยแพร่ของปีที่กำหนด",
    ),
    Status.missing: StatusLabel(
        "missing", "ไม่พบ", "#7a1620", "#f8d9dc", "#c0392b", "bold red",
        "ตรวจเว็บไซต์แล้วไม่พบรายการนี้",
    ),
    Status.unverified: StatusLabel(
        "unverified", "ตรวจสอบไม่ได้", "#38286b", "#e6e0f5", "#6f42c1", "bold magenta",
        "โปรแกรมอ่านหลักฐานไม่ได้ (เช่น Google Drive, PDF สแกน) หรือเข้าเว็บไซต์ไม่ได้"
        " — โปรดตรวจด้วยตนเอง",
    ),
}

STATUS_MARK: dict[Status, str] = {  # one-character mark, so a cell never relies on colour alone
    Status.found: "✓",
    Status.stale: "↻",
    Status.missing: "✗",
    Status.unverified: "?",
}

SITE_STATUS = {
    "ok": "เข้าถึงได้",
    "partial": "เข้าถึงได้บางส่วน",
    "unreachable": "เข้าถึงไม่ได้",
}

SITE_ERRORS = {  # failure classes of crawler.models.Page.error / SiteInfo.error
    "dns": "ไม่พบชื่อโดเมน (DNS)",
    "connect": "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้",
    "tls": "ใบรับรองความปลอดภัย (TLS/SSL) ใช้ไม่ได้",
    "timeout": "เว็บไซต์ไม่ตอบสนองภายในเวลาที่กำหนด",
    "http": "เว็บไซต์ตอบกลับด้วยข้อผิดพลาด (HTTP)",
    "blocked": "ที่อยู่นี้ถูกปิดกั้นตามการตั้งค่าความปลอดภัยเครือข่าย",
    "no-browser": "บางหน้าสร้างด้วย JavaScript แต่เครื่องนี้ไม่มีเบราว์เซอร์ Chromium ให้เปิด",
    "too-large": "ไฟล์หรือหน้าเว็บใหญ่เกินขนาดที่กำหนด (รวมไฟล์บีบอัดที่ขยายได้มหาศาล)",
    "redirect-loop": "หน้าเว็บส่งต่อ (redirect) วนซ้ำไม่สิ้นสุด",
    "too-many-redirects": "หน้าเว็บส่งต่อ (redirect) หลายทอดเกินกำหนด",
    "trap": "หน้าปฏิทินหรือหน้าค้นหาที่สร้าง URL ได้ไม่สิ้นสุด ตรวจเพียงบางส่วน",
    "robots": "robots.txt ของเว็บไซต์ไม่อนุญาตให้ตรวจ",
    "truncated": "เซิร์ฟเวอร์ส่งข้อมูลมาไม่ครบ",
    "ignored": "ข้ามไม่ดึงข้อมูล",
    "soft404": "ลิงก์พาไปหน้าแรกแทนหน้าที่ต้องการ (ไม่พบหน้า)",
    "unreadable": "อ่านไฟล์ไม่ได้ (ไฟล์เสีย หรืออ่านนานเกินเวลาที่กำหนด)",
    "error": "ดึงข้อมูลไม่สำเร็จด้วยสาเหตุอื่น",
}

COLUMNS_TH = {  # Thai headers of the spreadsheet columns (reports.csvreport names them in English)
    "agency_id": "รหัสหน่วยงาน",
    "name": "หน่วยงาน",
    "url": "เว็บไซต์",
    "province": "จังหวัด",
    "district": "อำเภอ",
    "type": "ประเภท",
    "site_status": "สถานะเว็บไซต์",
    "score": "คะแนน OIT (จำลอง)",
    "band": "ระดับ",
    "code": "ข้อ",
    "item": "รายการ",
    "status": "สถานะ (รหัส)",
    "status_th": "สถานะ",
    "evidence_urls": "URL หลักฐาน",
    "years_seen": "ปีที่พบ",
    "years_needed": "ปีที่ต้องมี",
    "reason": "เหตุผล",
    "hint": "สิ่งที่ผู้ประเมินคาดว่าจะเห็น",
}

PROVISIONAL = "เกณฑ์ชั่วคราว"
PROVISIONAL_NOTE = ("ยังไม่มีประกาศรายการ OIT ของปีนี้ เกณฑ์นี้คาดการณ์จากรายการของปีก่อน "
                    "ผลนี้ใช้เตรียมความพร้อมเท่านั้น เมื่อมีประกาศจะปรับเกณฑ์ตาม")


def rules_text(year: int, provisional: bool) -> str:
    """'ITA/OIT พ.ศ. 2570 (เกณฑ์ชั่วคราว)': the rule year as every report names it."""
    return f"ITA/OIT พ.ศ. {year}" + (f" ({PROVISIONAL})" if provisional else "")


def was_text(codes: list[str], year: int) -> str:
    """'(2568: O12)' beside an item renumbered since `year`; '(2568: —)' when it is new."""
    return f"({year}: {', '.join(codes) or '—'})"


def site_error_text(error: str) -> str:
    """Thai explanation of a site failure class; unknown classes are shown as they are."""
    if error.startswith("render-"):  # crawler.spiders.oit: the browser failed on a JavaScript page
        return f"บางหน้าสร้างด้วย JavaScript และเบราว์เซอร์เปิดไม่ได้ ({site_error_text(error[7:])})"
    if error.startswith("http-"):  # http-404, http-503...
        return f"{SITE_ERRORS['http']} {error[5:]}"
    if error.startswith("parse-error"):
        return "อ่านเนื้อหาหน้านี้ไม่ได้"
    return SITE_ERRORS.get(error, error or "ไม่ทราบสาเหตุ")


def years_text(years: list[int]) -> str:
    """B.E. years as '2566, 2567', or '—' when there are none."""
    return ", ".join(str(y) for y in sorted(set(years))) or "—"


def thai_date(day: dt.date) -> str:
    """'20 มี.ค. 2568' (B.E.); datetimes also get the time: '20 มี.ค. 2568 08:05 น.' (Thai time)."""
    if isinstance(day, dt.datetime) and day.tzinfo is not None:
        day = day.astimezone(THAILAND)
    text = f"{day.day} {TH_ABBR[day.month - 1]} {day.year + 543}"
    if isinstance(day, dt.datetime):
        text += f" {day:%H:%M} น."
    return text


def is_web_url(url: str) -> bool:
    """Only absolute http(s) URLs may become links; anything else is shown as text."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def short_url(url: str, width: int = 60) -> str:
    """A readable, shortened URL for link text: no scheme, Thai decoded, middle elided."""
    raw = url.strip().split("://", 1)[-1].rstrip("/")
    text = unquote(raw, errors="replace")
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        text = raw  # decoded controls or bidi overrides could disguise the link
    if len(text) <= width:
        return text
    head = width * 2 // 3
    return text[:head] + "…" + text[-(width - head - 1):]


_CELL_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XLSX, useless in CSV
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP CSV injection
_CELL_MAX = 32767  # characters Excel keeps in one cell


def sheet_text(text: str) -> str:
    """Text for a spreadsheet cell (CSV, XLSX) that stays text: control characters removed, and
    a leading apostrophe where Excel or LibreOffice would start a formula (=, +, -, @, also after
    leading blanks)."""
    text = _CELL_CONTROLS.sub("", text)
    if text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START):
        text = "'" + text
    return text[:_CELL_MAX]
