"""Read one fetched document (HTML, PDF, XLSX, XLS, DOCX, DOC) into a `Page`: title, headings,
text, links.

For every link the extractor keeps what a person reading the page would use to know what the
link is for: its own text (or image alt/title/file name), the row or list item around it, and
the section it sits in (heading, tab or accordion label, parent menu entry). Years in those
texts are what tells a 2568 list from last year's list on the same page.

Documents are read as lines (paragraphs, table rows, spreadsheet rows) whose first lines name them.
A scanned PDF has no text: with `ocr=True` and Tesseract's Thai model installed, its first pages are
read from their images; otherwise it is flagged `scanned` and judged by its link and file name.
"""
from __future__ import annotations

import functools
import importlib.util
import io
import logging
import os
import re
import posixpath
import struct
import subprocess
import zipfile
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import lxml.html
from lxml import etree

from .decode import decode_html
from .models import Link
from .thai import normalize
from .urls import url_kind

# libxml2 drops what is nested deeper than 256 elements (unclosed <font> tags on old CMSs nest
# every paragraph); huge_tree lifts that
PARSER = lxml.html.HTMLParser(huge_tree=True)
TEXT_CAP = 30_000  # characters of body text kept per page
MAX_HTML = 4_000_000  # bytes of a page that are parsed: evidence is never beyond that
MAX_LINKS = 3_000  # links read per page (calendars and tag clouds can have tens of thousands)
PDF_PAGES = 4  # evidence is judged on its first pages (title, fiscal year, scope)
XLSX_ROWS = 300  # rows read per sheet (XLSX and XLS), on the first three sheets
OCR_PAGES = 2  # a scanned document names itself (title, fiscal year) on its first page
OCR_SECONDS = 90  # per page: a full 300 dpi A4 page of Thai text takes about 10 s on one core
_MAX_CONTEXT = 300  # a "row" longer than this is a layout block, not the link's row
_MAX_LABEL = 120

_DROP = ("script", "style", "noscript", "template", "svg")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "summary", "dt"}
_ROWS = {"tr", "li", "dd", "p", "figure", "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol", "menu"}
_STOP = {"body", "html", "table", "nav", "header", "footer", "form", "main", "article", "aside"}
_HAS_HEADING = "boolean(.//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6)"
# where the page's own content is, most specific first; the rest is menus and footers
_MAIN = ("//main", "//*[@role='main']", "//*[@id='content' or @id='main' or @id='main-content' "
         "or @id='maincontent' or @id='primary']",
         "//*[" + " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in
                              ("entry-content", "post-content", "page-content", "main-content")) + "]",
         "//article")
_CHROME = {"nav", "header", "footer", "aside"}
_NAVISH = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|footer|header|breadcrumbs?)(?:[\s_-]|$)", re.I)
_BREADCRUMB = re.compile(r"breadcrumb", re.I)
_HEADINGISH = re.compile(r"head|title|caption", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
logger = logging.getLogger(__name__)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound file: legacy Excel (.xls) and Word (.doc)
_TYPES = {"application/pdf": "pdf", "application/vnd.ms-excel": "xls", "application/msword": "doc",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}
# an "Excel" or "Word" download that is an HTML table (a PHP export) or an error page
_MARKUP = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.I | re.S)


def body_kind(url: str, content_type: str, body: bytes) -> str:
    """What a response is: by its bytes first (servers mislabel, and name files download.php?id=12),
    then its type, then its name."""
    ctype = content_type.split(";")[0].strip().lower()
    named = url_kind(url)
    claimed = _TYPES.get(ctype) or named
    if body.startswith(b"%PDF"):
        return "pdf"
    if body.startswith(b"PK"):  # a zip: an OOXML document says what it is inside
        return _ooxml(body)[0] or (claimed if claimed in ("xlsx", "docx") else "other")
    if body.startswith(_OLE2):
        return _ole2_kind(body) or (claimed if claimed in ("xls", "doc") else "other")
    if b"%PDF-" in body[:1024] and not _MARKUP.match(body[:4096]):
        return "pdf"  # readers accept the header after some junk (a PHP notice, a BOM)
    if ctype.startswith("image/"):
        return "image"
    if claimed in ("xls", "doc") and _MARKUP.match(body[:4096]):
        return "html"
    if not ctype or ctype.startswith("text/") or ctype == "application/xhtml+xml":
        return "html" if named == "html" or ctype == "text/html" else named
    return named if named != "html" else "other"


def read(url: str, content_type: str, body: bytes, ocr: bool = False) -> dict:
    """Fields of a `Page` read from the body: kind, title, headings, text, links, scanned, and
    `ocr` (True) when the text was read from the images of a scanned PDF (needs `ocr=True`)."""
    kind = body_kind(url, content_type, body)
    if kind == "html":
        return {"kind": kind, **_html(url, body, content_type)}
    if kind == "pdf":
        return {"kind": kind, **_pdf(body, ocr)}
    reader = {"xlsx": _xlsx, "xls": _xls, "docx": _docx, "doc": _doc}.get(kind)
    return {"kind": kind, **reader(body)} if reader else {"kind": kind}


# ---------------------------------------------------------------- HTML


def _join(pieces, limit: int | None) -> str | None:
    """Normalised text of the pieces; None as soon as it is longer than `limit` (read no further:
    asking every link of a big page for the whole text of its container would be quadratic)."""
    parts, size = [], 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece.strip())
        if limit is not None and size > limit:
            return None
    # a space between elements: "ITA 2568</a><a>ITA 2567" must not read as "2568ita"
    return normalize(" ".join(parts))


def _text(el, limit: int | None = None) -> str | None:
    return _join(el.itertext(), limit)


def _own_pieces(el):
    yield el.text or ""
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _LISTS:
            yield from child.itertext()
        yield child.tail or ""


def _own_text(el, limit: int | None = None) -> str | None:
    """Text of an element without its nested lists (a menu entry without its sub-menu)."""
    return _join(_own_pieces(el), limit)


def _is_heading(el) -> bool:
    if el.tag in _HEADINGS:
        return True
    if el.tag in ("div", "span", "p", "strong", "b", "a", "button", "label") and \
            _HEADINGISH.search(el.get("class", "") + " " + el.get("id", "")):
        return True
    # <p><strong>Title</strong></p>: the only child of a paragraph, bold
    parent = el.getparent()
    return el.tag in ("strong", "b") and parent is not None and parent.tag == "p" and len(parent) == 1 \
        and not (parent.text or "").strip()


def _image_text(a, target: str) -> str:
    """What an image-only link says: the image's alt or title, the link's title or ARIA label, the
    image's file name, or for a "banner01.png" the file name of the page or document it leads to."""
    img = a.find(".//img")
    for text in (img.get("alt"), img.get("title"), a.get("title"), a.get("aria-label")):
        if text and text.strip():
            return normalize(text)
    own = file_words(img.get("src", ""))
    if not _says_nothing(own):
        return own
    goal = file_words(target)
    return goal if not _says_nothing(goal) else own


# words of file names that do not say what a file is about; numbers and hashes do not either
_NO_NAME = re.compile(r"(?:banner|img|image|images|pic|picture|photo|icon|btn|button|logo|slide|bg|"
                      r"thumb|untitled|dsc|index|default|download|view|file|page)?\d*|[0-9a-f]{8,}|.")


def _says_nothing(words: str) -> bool:
    return all(_NO_NAME.fullmatch(w) for w in words.split())


def file_words(url: str) -> str:
    name = posixpath.splitext(posixpath.basename(unquote(urlparse(url).path)))[0]
    return normalize(re.sub(r"[_\-.+]+", " ", name))


def _labels(doc) -> dict[str, str]:
    """id -> label text for tab/accordion panes (Bootstrap and ARIA conventions)."""
    labels: dict[str, str] = {}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in ("href", "data-target", "data-bs-target", "aria-controls"):
            ref = el.get(attr, "")
            if attr != "aria-controls":
                if not ref.startswith("#") or len(ref) < 2:
                    continue
                ref = ref[1:]
            text = _text(el, _MAX_LABEL)
            if ref and text:
                labels.setdefault(ref, text)
    for el in doc.iter():
        if isinstance(el.tag, str) and el.get("id") and el.get("role") == "tab":
            labels.setdefault(el.get("id"), _text(el, _MAX_LABEL) or "")
    return labels


def _context(a, text: str) -> str:
    """Text of the row or list item the link sits in, when that row says more than the link."""
    in_li = False
    for anc in a.iterancestors():
        if anc.tag in _STOP:
            return ""
        if anc.tag == "li":
            if in_li:  # an outer menu entry is the link's section, not its row
                return ""
            in_li = True
        if anc.tag not in _ROWS and anc.tag != "div":
            continue
        own = (_own_text if anc.tag == "li" else _text)(anc, _MAX_CONTEXT)
        if own is None or len(own) > _MAX_CONTEXT:
            return ""  # a layout block, not a row
        if len(own) <= len(text) + 3:
            continue  # says nothing more than the link: look one level up
        return "" if anc.xpath(_HAS_HEADING) else own  # a row holds no heading; a section does
    return ""


def _section(a, heading, labels: dict[str, str]) -> str:
    """Labels of the containers around a link, outermost first, then the nearest heading."""
    found: list[str] = []
    scope = None  # innermost labelled container: a heading outside it belongs to another pane
    first_li = True
    for anc in a.iterancestors():
        label = ""
        if anc.tag == "li":
            if first_li:  # the link's own menu entry is its context, not its section
                first_li = False
                continue
            label = _own_text(anc, _MAX_LABEL) or ""
        elif anc.tag == "details":
            summary = anc.find("summary")
            label = (_text(summary, _MAX_LABEL) or "") if summary is not None else ""
        elif anc.get("id") in labels:
            label = labels[anc.get("id")]
        elif anc.get("aria-labelledby"):
            label = " ".join(labels.get(i, "") for i in anc.get("aria-labelledby").split())
        if label and len(label) <= _MAX_LABEL:
            found.append(label)
            scope = anc if scope is None else scope
    parts = found[::-1]
    # a heading counts for the links of its own container (not for a footer after it)
    if heading is not None and heading.getparent() is not None and \
            heading.getparent() in a.iterancestors() and \
            (scope is None or scope in heading.iterancestors()):
        parts.append(_text(heading, _MAX_LABEL) or "")
    return " > ".join(p for p in parts if p)


def _html(url: str, body: bytes, content_type: str) -> dict:
    text, _ = decode_html(body[:MAX_HTML], content_type)
    try:
        doc = lxml.html.document_fromstring(_XML_DECL.sub("", text) or "<html></html>", parser=PARSER)
    except (etree.ParserError, ValueError):
        return {"text": normalize(text)[:TEXT_CAP]}
    for el in list(doc.iter(*_DROP)):
        el.drop_tree()
    etree.strip_elements(doc, etree.Comment, with_tail=False)
    base = url
    base_el = doc.find(".//base[@href]")
    if base_el is not None:
        base = _absolute(url, base_el.get("href")) or url
    title_el = doc.find(".//title")
    labels = _labels(doc)
    main = _main(doc)

    headings: list[str] = []
    links: list[Link] = []
    heading = None
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if _is_heading(el) and el.tag != "a" and el.find(".//a") is None:
            heading = el.getparent() if el.tag in ("strong", "b") else el
            if len(headings) < 40 and (main is None or main in el.iterancestors()):
                h = _text(el, _MAX_LABEL)
                if h:
                    headings.append(h)
            continue
        href = None
        if el.tag in ("a", "area"):
            href = el.get("href")
        elif el.tag in ("iframe", "frame", "embed"):
            href = el.get("src")
        elif el.tag == "object":
            href = el.get("data")
        if not href or len(links) >= MAX_LINKS:
            continue
        target = _absolute(base, href)
        if not target:
            continue
        if el.tag in ("a", "area"):
            own = _text(el, _MAX_CONTEXT) or normalize(el.get("alt", ""))
            image = not own and el.find(".//img") is not None
            if image:
                own = _image_text(el, target)
            if len(own) < 3:  # generic or empty: a title/aria-label may say more
                own = normalize(" ".join(filter(None, (own, el.get("title", ""), el.get("aria-label", "")))))
        else:  # an embedded document carries the name of the page it is shown on
            own, image = normalize(el.get("title", "")), False
        links.append(Link(url=target, text=own[:_MAX_CONTEXT], context=_context(el, own),
                          section=_section(el, heading, labels), image=image))
    body_el = doc.find(".//body")
    return {
        "title": _text(title_el) if title_el is not None else "",
        "headings": headings,
        "text": _main_text(main, True) if main is not None else
        _main_text(body_el if body_el is not None else doc, False),
        "links": links,
    }


def _main(doc):
    """The element holding the page's own content, when the template marks it."""
    for xpath in _MAIN:
        found = doc.xpath(xpath)
        if xpath == "//article" and len(found) != 1:  # a list of posts: the list is the content
            continue
        for el in found:
            if _text(el, 40) is None:  # more than a few words: real content
                return el
    return None


def _main_text(root, is_main: bool) -> str:
    """Text without menus, headers and footers: their years are the site's, not the page's.
    Inside the marked content only menus go (a post's header holds its date).
    Called last: it drops those parts from the tree."""
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag == "nav" or _BREADCRUMB.search(marks) or not is_main and (
                el.tag in _CHROME or _NAVISH.search(marks)):
            el.drop_tree()
    return (_text(root) or "")[:TEXT_CAP]


def _absolute(base: str, href: str) -> str | None:
    """The absolute URL of a link; without its #fragment, unless that is an app's route
    (`#/ita`, `#!/oit`): then it names a page of its own."""
    href = href.strip()
    if not href or href.startswith("#") and not href.startswith(("#/", "#!/")):
        return None
    try:
        target = urljoin(base, href)
    except ValueError:
        return None
    if not urlparse(target).fragment.startswith(("/", "!/")):
        target = urldefrag(target)[0]
    return target if urlparse(target).scheme in ("http", "https") else None


# ---------------------------------------------------------------- documents


def _lines(lines: list[str], title: int, headings: int) -> dict:
    """Fields of a document read as lines (paragraphs, table rows): its first lines name it."""
    lines = [line for line in map(normalize, lines) if line]
    return {"title": " ".join(lines[:title])[:_MAX_CONTEXT], "headings": lines[:headings],
            "text": " ".join(lines)[:TEXT_CAP]}


# A line break between two Thai letters is where the PDF's lines wrapped a word or phrase that had
# no space ("ปีงบประ\nมาณ"): joined, the text reads as written.
_WRAP = re.compile("(?<=[\u0e01-\u0e4e\uf700-\uf71a])[ \t]*\n[ \t]*(?=[\u0e01-\u0e4e])")


def _pdf(body: bytes, ocr: bool) -> dict:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        pages = [p.extract_text() or "" for p in reader.pages[:PDF_PAGES]]
        read_by_ocr = ocr and _scanned(pages) and _ocr_ready()
        if read_by_ocr:
            pages = [_ocr(page) for page in reader.pages[:OCR_PAGES]]
    except Exception:  # pypdf raises many kinds on broken files (even NotImplementedError)
        return {"error": "unreadable"}
    text = normalize(_WRAP.sub("", " ".join(pages)))
    lines = [normalize(line) for line in (pages[0] if pages else "").splitlines() if line.strip()]
    scanned = _scanned([text])
    return {"title": " ".join(lines[:3])[:_MAX_CONTEXT], "headings": lines[:8], "text": text[:TEXT_CAP],
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


def _xlsx(body: bytes) -> dict:
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


def _xls(body: bytes) -> dict:
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


def _ooxml(body: bytes) -> tuple[str, str]:
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


def _ole2_kind(body: bytes) -> str:
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


def _docx(body: bytes) -> dict:
    try:
        with zipfile.ZipFile(io.BytesIO(body)) as zf, zf.open(_ooxml(body)[1] or "word/document.xml") as part:
            root = etree.fromstring(part.read(MAX_HTML), _XML)  # recovers what a cut document holds
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


def _doc(body: bytes) -> dict:
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
