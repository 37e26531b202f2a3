"""Documents agencies publish as evidence: PDF, XLSX, XLS, DOCX and legacy DOC, read as lines
(paragraphs, table rows, spreadsheet rows) whose first lines name them. A scanned PDF has no
text: with `ocr=True` and Tesseract's Thai model installed, its first pages are read from their
images; otherwise it is flagged `scanned` and judged by its link and file name."""
from __future__ import annotations

import functools
import importlib.util
import io
import logging
import os
import re
import struct
import subprocess
import zipfile

from lxml import etree

from .thai import normalize

logger = logging.getLogger(__name__)

TEXT_CAP = 30_000  # characters of text kept per document (as for a page)
_MAX_CONTEXT = 300  # characters of a title
PDF_PAGES = 4  # evidence is judged on its first pages (title, fiscal year, scope)
PDF_ENOUGH = 1_500  # characters: a page of running text has named the document; after a cover, read on
XLSX_ROWS = 300  # rows read per sheet (XLSX and XLS), on the first three sheets
OCR_PAGES = 2  # a scanned document names itself (title, fiscal year) on its first page
OCR_SECONDS = 90  # per page: a full 300 dpi A4 page of Thai text takes about 10 s on one core
XML_BYTES = 4_000_000  # of a DOCX body part: evidence is never beyond that
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy Excel (.xls) and Word (.doc)


def _lines(lines: list[str], title: int, headings: int) -> dict:
    """Fields of a document read as lines (paragraphs, table rows): its first lines name it."""
    lines = [line for line in map(normalize, lines) if line]
    return {"title": " ".join(lines[:title])[:_MAX_CONTEXT], "headings": lines[:headings],
            "text": " ".join(lines)[:TEXT_CAP]}


# A line break between two Thai letters is where the PDF's lines wrapped a word or phrase that had
# no space ("ปีงบประ\nมาณ"): joined, the text reads as written.
_WRAP = re.compile("(?<=[\u0e01-\u0e4e\uf700-\uf71a])[ \t]*\n[ \t]*(?=[\u0e01-\u0e4e])")


def pdf(body: bytes, ocr: bool) -> dict:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = []
        for page in reader.pages[:PDF_PAGES]:  # pypdf is the costliest step of a crawl: no more than needed
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) >= PDF_ENOUGH:
                break
        read_by_ocr = ocr and _scanned(pages) and _ocr_ready()
        if read_by_ocr:
            pages = [_ocr(page) for page in reader.pages[:OCR_PAGES]]
    except Exception:  # pypdf raises many kinds on broken files (even NotImplementedError)
        return {"error": "unreadable"}
    text = normalize(_WRAP.sub("", " ".join(pages)))
    scanned = _scanned([text])
    # named by the lines of its first page; the text joins the lines a page wrapped
    return {**_lines((pages[0] if pages else "").splitlines(), 3, 8), "text": text[:TEXT_CAP],
            "scanned": scanned, **({"ocr": True} if read_by_ocr and not scanned else {})}


def _scanned(pages: list[str]) -> bool:
    """No text layer (a few stray characters at most): the pages are pictures of paper."""
    return sum(len("".join(page.split())) for page in pages) < 20


def _ocr(page) -> str:
    """Text of a scanned page: Tesseract (Thai and English) on its largest image (one per page)."""
    png = io.BytesIO()
    try:
        pictures = [im.image for im in page.images]
        if pictures:
            max(pictures, key=lambda im: im.width * im.height).convert("L").save(png, "PNG")
    except Exception:  # pypdf and Pillow raise many kinds on odd images (JBIG2 needs jbig2dec)
        return ""
    if not png.tell():
        return ""
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", "tha+eng"], input=png.getvalue(),
                              capture_output=True, timeout=OCR_SECONDS,
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"})  # one core per page
    except subprocess.TimeoutExpired:
        logger.warning("OCR gave up on a page after %s s", OCR_SECONDS)
        return ""
    text = done.stdout.decode("utf-8", "replace") if done.returncode == 0 else ""
    return "\n".join(line for line in text.splitlines() if _WORDISH.search(normalize(line)))


# Tesseract reads the marks above a line as a line of their own ("qe xx ay ๐"): a line with
# neither a three-letter run nor a number is noise, not the document's title
_WORDISH = re.compile("[a-z\u0e01-\u0e4e]{3}|[0-9]{2}")


@functools.cache
def ocr_missing() -> str:
    """Why scanned PDFs cannot be read by OCR on this machine; "" when they can."""
    if importlib.util.find_spec("PIL") is None:
        return "Pillow is not installed (pip install Pillow)"
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                               timeout=30).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        langs = []
    if "tha" not in langs:
        return "Tesseract with its Thai model is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)"
    return ""


@functools.cache
def _ocr_ready() -> bool:
    """OCR is possible; the first time it is not, one warning says why."""
    if ocr_missing():
        logger.warning("OCR is off: %s; scanned PDFs are judged by their link and file name", ocr_missing())
    return not ocr_missing()


def xlsx(body: bytes) -> dict:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, xml, key) on broken files
        return {"error": "unreadable"}
    rows: list[str] = []
    for ws in wb.worksheets[:3]:
        for row in ws.iter_rows(max_row=XLSX_ROWS, values_only=True):
            rows.append(" ".join(str(c) for c in row if c not in (None, "")))
    wb.close()
    return _lines(rows, 2, 5)


def xls(body: bytes) -> dict:
    import xlrd

    rows: list[str] = []
    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
        for index in range(min(book.nsheets, 3)):
            sheet = book.sheet_by_index(index)
            for r in range(min(sheet.nrows, XLSX_ROWS)):
                rows.append(" ".join(filter(None, (_xls_cell(c, book.datemode) for c in sheet.row(r)))))
        book.release_resources()
    except Exception:  # xlrd raises many kinds on broken, truncated or encrypted files
        return {"error": "unreadable"}
    return _lines(rows, 2, 5)


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_TEXT:
        return cell.value
    if cell.ctype == xlrd.XL_CELL_NUMBER:  # every number is a float: 2568.0 is the year 2568
        return str(int(cell.value)) if cell.value.is_integer() else str(cell.value)
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode).date().isoformat()
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):  # a date format on a non-date
            return ""
    return ""  # empty, boolean, error


def ooxml_kind(body: bytes) -> tuple[str, str]:
    """(kind, main part) of an Office Open XML file from the content types it declares, not from
    its name; ("", "") for any other zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            types = etree.fromstring(zf.read("[Content_Types].xml"), _XML)
    except Exception:  # not a zip, no declared types, broken XML (zipfile raises many kinds)
        return "", ""
    for el in types if types is not None else ():
        ctype, part = el.get("ContentType", ""), el.get("PartName", "").lstrip("/")
        if ctype.endswith(".main+xml") and part:
            if "wordprocessingml" in ctype or "ms-word" in ctype:
                return "docx", part
            if "spreadsheetml" in ctype or "ms-excel" in ctype:
                return "xlsx", part
    return "", ""


def ole2_kind(body: bytes) -> str:
    """xls or doc by the streams of a compound file; "" when it cannot be read."""
    from xlrd.compdoc import CompDoc

    try:
        names = {entry.name for entry in CompDoc(body, logfile=io.StringIO()).dirlist}
    except Exception:  # xlrd's compound-file reader raises many kinds on broken files
        return ""
    return "xls" if names & {"Workbook", "Book"} else "doc" if "WordDocument" in names else ""


_XML = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word writes a text box twice: for new readers and, as a fallback, for old ones
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def docx(body: bytes) -> dict:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf, zf.open(ooxml_kind(body)[1] or "word/document.xml") as part:
            root = etree.fromstring(part.read(XML_BYTES), _XML)  # recovers what a cut document holds
    except Exception:  # zipfile and lxml raise many kinds on broken files
        return {"error": "unreadable"}
    if root is None:
        return {"error": "unreadable"}
    for fallback in list(root.iter(_FALLBACK)):
        fallback.getparent().remove(fallback)
    lines: list[str] = []
    row = None  # the table row of the last line: the cells of a row make one line
    size = 0
    for p in root.iter(_W + "p"):
        text = "".join(_run_text(p))
        outer = None
        for outer in p.iterancestors(_W + "tr"):
            pass  # the outermost row: a table nested in a cell belongs to that cell
        if outer is not None and outer is row:
            lines[-1] += " " + text
        else:
            lines.append(text)
        row, size = outer, size + len(text)
        if size > TEXT_CAP:
            break
    return _lines(lines, 3, 8)


def _run_text(el):
    """Text of a paragraph, without the paragraphs of a text box anchored in it (lines of their own),
    deleted revisions or field codes."""
    for child in el:
        if child.tag == _W + "t":
            yield child.text or ""
        elif child.tag in (_W + "tab", _W + "br", _W + "cr"):
            yield " "
        elif child.tag != _W + "p":
            yield from _run_text(child)


# Word's special characters in a .doc text stream: cell and row ends, line and page breaks, hyphens;
# fields keep their shown result, not their code (\x13 code \x14 result \x15)
_DOC_FIELD = re.compile("\x13[^\x13\x14\x15]*(?:\x14|(?=\x15))")
_DOC_RAW = 2 * TEXT_CAP  # characters read from a .doc before its field codes are dropped
_DOC_CHARS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x07": " ", "\x1e": "-",
                            **dict.fromkeys(map(ord, "\x01\x08\x13\x14\x15\x1f"), None)})


def doc(body: bytes) -> dict:
    """A Word 97-2003 document: the main text through its piece table ([MS-DOC] 2.4.1)."""
    from xlrd.compdoc import CompDoc

    try:
        ole = CompDoc(body, logfile=io.StringIO())
        word = ole.get_named_stream("WordDocument")
        ident, flags = struct.unpack_from("<H8xH", word, 0)
        if ident != 0xA5EC or flags & 0x0100:  # not Word 97+, or encrypted
            return {"error": "unreadable"}
        table = ole.get_named_stream("1Table" if flags & 0x0200 else "0Table")
        text = _doc_text(word, table)
    except Exception:  # struct, index and compound-file errors on broken files
        return {"error": "unreadable"}
    return _lines(_DOC_FIELD.sub("", text).translate(_DOC_CHARS).split("\n"), 3, 8)


def _doc_text(word: bytes, table: bytes) -> str:
    # the FIB: a fixed base, then three arrays each led by its length (16-bit words, 32-bit longs,
    # file-offset/length pairs); ccpText = characters of the main text, fcClx = the piece table
    csw = struct.unpack_from("<H", word, 32)[0]
    longs = 34 + 2 * csw
    cslw = struct.unpack_from("<H", word, longs)[0]
    ccp_text = struct.unpack_from("<i", word, longs + 2 + 12)[0]
    pairs = longs + 2 + 4 * cslw + 2
    fc_clx, lcb_clx = struct.unpack_from("<II", word, pairs + 33 * 8)
    clx = table[fc_clx:fc_clx + lcb_clx]
    at = 0
    while clx[at] == 1:  # property modifiers before the piece table
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if clx[at] != 2:
        raise ValueError("no piece table")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    n = (size - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", clx, at + 5)
    parts, total, limit = [], 0, min(ccp_text, _DOC_RAW)
    for k in range(n):
        fc = struct.unpack_from("<I", clx, at + 5 + 4 * (n + 1) + 8 * k + 2)[0]
        count = min(cps[k + 1] - cps[k], limit - total)
        if fc & 0x40000000:  # 8-bit characters (cp1252) at half the offset
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(word[start:start + count].decode("cp1252", "replace"))
        else:  # UTF-16: Thai text is always stored so
            parts.append(word[fc:fc + 2 * count].decode("utf-16-le", "replace"))
        total += count
        if total >= limit:
            break
    return "".join(parts)
