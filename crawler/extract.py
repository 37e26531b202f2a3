"""Read one fetched document (HTML, PDF, XLSX, XLS, DOCX, DOC) into a `Page`: title, headings,
text, links.

For every link the extractor keeps what a person reading the page would use to know what the
link is for: its own text (or image alt/title/file name), the row or list item around it, and
the section it sits in (heading, tab or accordion label, parent menu entry). Years in those
texts are what tells a 2568 list from last year's list on the same page.

HTML is read here; the other kinds by `documents` (what a response is comes from its bytes).
"""
from __future__ import annotations

import re
import posixpath
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlparse, urlsplit

import lxml.html
from lxml import etree

from . import documents
from .decode import decode_html
from .models import Link
from .thai import normalize
from .urls import hash_route, page_url, url_kind

# libxml2 drops what is nested deeper than 256 elements (unclosed <font> tags on old CMSs nest
# every paragraph); huge_tree lifts that
# lxml's own HTML parser, not lxml.html's: that one calls back into Python for every element it
# makes (to give it a class), a tenth of the crawl's CPU time; plain elements are all it needs
PARSER = etree.HTMLParser(huge_tree=True)
TEXT_CAP = documents.TEXT_CAP  # characters of body text kept per page
MAX_HTML = 4_000_000  # bytes of a page that are parsed: evidence is never beyond that
MAX_LINKS = 3_000  # links read per page (calendars and tag clouds can have tens of thousands)
_MAX_CONTEXT = 300  # a "row" longer than this is a layout block, not the link's row
_MAX_LABEL = 120

_DROP = ("script", "style", "noscript", "template", "svg")
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "legend", "summary", "dt"}
_ROWS = {"tr", "li", "dd", "p", "figure", "h1", "h2", "h3", "h4", "h5", "h6"}
_LISTS = {"ul", "ol", "menu"}
_STOP = {"body", "html", "table", "nav", "header", "footer", "form", "main", "article", "aside"}
_HAS_HEADING = etree.XPath("boolean(.//h1 | .//h2 | .//h3 | .//h4 | .//h5 | .//h6 | "
                           ".//p[count(*) = 1][strong | b][normalize-space(.) = normalize-space(*)])")  # <p><b>
# where the page's own content is, most specific first; the rest is menus and footers (the
# cheap tests first in each: these run over every element of every page)
_MAIN = tuple(map(etree.XPath, (
    "//main", "//*[@role='main']",
    "//*[@id][@id='content' or @id='main' or @id='main-content' or @id='maincontent' or @id='primary']",
    "//*[@class][contains(@class, 'content')][" + " or ".join(
        f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')"
        for c in ("entry-content", "post-content", "page-content", "main-content")) + "]",
    "//article")))
_CHROME = {"nav", "header", "footer", "aside"}
_NAVISH = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|sidebar|footer|header|breadcrumbs?)(?:[\s_-]|$)", re.I)
_BREADCRUMB = re.compile(r"breadcrumb", re.I)
_FIELDS = etree.XPath(".//textarea | .//input[not(@type) or @type='text' or @type='email' or @type='tel']")
_HEADINGISH = re.compile(r"head|title|caption", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)

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
        return documents.ooxml_kind(body)[0] or (claimed if claimed in ("xlsx", "docx") else "other")
    if body.startswith(documents.OLE2):
        return documents.ole2_kind(body) or (claimed if claimed in ("xls", "doc") else "other")
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
        return {"kind": kind, **documents.pdf(body, ocr)}
    reader = {"xlsx": documents.xlsx, "xls": documents.xls, "docx": documents.docx,
              "doc": documents.doc}.get(kind)
    return {"kind": kind, **reader(body)} if reader else {"kind": kind}


# ---------------------------------------------------------------- HTML


def _join(pieces, limit: int | None) -> str | None:
    """Normalised text of the pieces; None as soon as it is longer than `limit` (read no further:
    asking every link of a big page for the whole text of its container would be quadratic)."""
    if limit is None:
        parts = list(pieces)
    else:
        parts, size, check = [], 0, limit
        for piece in pieces:
            parts.append(piece)
            size += len(piece)
            # counted without the markup's indentation only when the raw size could be too long
            if size > check:
                text = sum(map(len, map(str.strip, parts)))
                if text > limit:
                    return None
                check = size + limit - text
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


# tab and accordion toggles: in-page links, Bootstrap targets, ARIA
_PANE_LINKS = etree.XPath("//*[starts-with(@href, '#') or @data-target or @data-bs-target or @aria-controls]")
_TABS = etree.XPath("//*[@role='tab'][@id != '']")


def _labels(doc) -> dict[str, str]:
    """id -> label text for tab/accordion panes (Bootstrap and ARIA conventions)."""
    labels: dict[str, str] = {}
    for el in _PANE_LINKS(doc):
        for attr in ("href", "data-target", "data-bs-target", "aria-controls"):
            ref = el.get(attr, "").strip()
            if attr == "href" and not ref.startswith("#"):
                continue
            ref = ref[1:] if ref.startswith("#") else ref  # a target may be a selector or a bare id
            text = _text(el, _MAX_LABEL)
            if ref and text:
                labels.setdefault(ref, text)
    for el in _TABS(doc):
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
        if len(own) <= len(text) + 3 or anc.tag != "li" and _only_links(anc):
            continue  # says nothing more than the link, or is a bar of buttons: look one level up
        return "" if _HAS_HEADING(anc) else own  # a row holds no heading; a section does
    return ""


_OUTSIDE_LINKS = etree.XPath(".//text()[not(ancestor::a)]")
_ALNUM = re.compile("[^\\W_]")


def _only_links(el) -> bool:
    """An element whose text is all in its links ("ลิงก์ 1 | ลิงก์ 2", "1. ลิงก์"): the row is
    around it ("O5" beside the links is a row)."""
    return len(_ALNUM.findall("".join(_OUTSIDE_LINKS(el)))) <= 1


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
    if heading is not None and heading[1] is not None and heading[1] in a.iterancestors() and \
            (scope is None or scope in heading[0].iterancestors()):
        parts.append(_text(heading[0], _MAX_LABEL) or "")
    return " > ".join(p for p in parts if p)


def _container(heading):
    """The element a heading heads: its parent, past wrappers that hold nothing but the heading
    (page builders put each heading in two or three divs of its own)."""
    own = _text(heading, _MAX_LABEL)
    parent = heading.getparent()
    for _ in range(4):
        if parent is None or _text(parent, len(own or "") + 3) is None:
            return parent
        parent = parent.getparent()
    return parent


def _drop(el) -> None:
    """Remove an element and what it holds, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _html(url: str, body: bytes, content_type: str) -> dict:
    text, _ = decode_html(body[:MAX_HTML], content_type)
    try:
        doc = lxml.html.document_fromstring(_XML_DECL.sub("", text) or "<html></html>", parser=PARSER)
    except (etree.ParserError, ValueError):
        return {"text": normalize(text)[:TEXT_CAP]}
    for el in list(doc.iter(*_DROP)):
        _drop(el)
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
    chrome = set()  # menus, header, footer, sidebars (parents come before their children)
    # the marked content, what holds it and what it holds are not chrome by a class name
    # ("page-header-wrap" around it, "ita-menu" in it)
    holders = {main, *main.iterancestors()} if main is not None else {doc.find(".//body"), doc}
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in _CHROME or el.getparent() in chrome or _navish(el) and el not in holders and \
                (main is None or main not in el.iterancestors()):
            chrome.add(el)
        if _is_heading(el) and el.tag != "a" and el.find(".//a") is None:
            heading = el.getparent() if el.tag in ("strong", "b") else el
            heading = heading, _container(heading)
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
        # built from our own strings: pydantic's validation of every link cost a few % of the crawl
        links.append(Link.model_construct(url=target, text=own[:_MAX_CONTEXT], context=_context(el, own),
                          section=_section(el, heading, labels), image=image, chrome=el in chrome))
    body_el = doc.find(".//body")
    return {
        "title": _text(title_el) if title_el is not None else "",
        "headings": headings,
        # a form to fill in on the page itself (not a search box in its header): an online channel
        "form": any(f not in chrome and len(_FIELDS(f)) >= 2 for f in doc.iter("form")),
        "text": _main_text(main, True) if main is not None else
        _main_text(body_el if body_el is not None else doc, False),
        "links": links,
    }


def _navish(el) -> bool:
    """A class or id that names a menu, header, footer, sidebar or breadcrumb."""
    marks = f"{el.get('class', '')} {el.get('id', '')}".strip()
    return bool(marks) and bool(_NAVISH.search(marks))


def _main(doc):
    """The element holding the page's own content, when the template marks it."""
    for xpath in _MAIN:
        found = xpath(doc)
        if xpath is _MAIN[-1] and len(found) != 1:  # several <article>: a list of posts is the content
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
            _drop(el)
    return (_text(root) or "")[:TEXT_CAP]


def _absolute(base: str, href: str) -> str | None:
    """The absolute URL of a link; without its #fragment, unless that is an app's route
    (`#/ita`, `#!/oit`): then it names a page of its own."""
    href = href.strip()
    if not href or href.startswith("#") and not hash_route(href):
        return None
    # a link from the site's root or a full address means the same on every page of the site
    # (only the scheme and host of the page matter): resolved once for all of them
    if href.startswith("/") and not href.startswith("//") or href[:8].lower().startswith(("http://", "https://")):
        base = _origin(base)
    return _resolved(base, href)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@lru_cache(maxsize=4096)
def _resolved(base: str, href: str) -> str | None:
    try:
        target = page_url(urljoin(base, href))
    except ValueError:
        return None
    return target if target[:8].lower().startswith(("http://", "https://")) else None
