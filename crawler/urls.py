"""What a website address means to the crawler: one normal form, one site identity."""
from __future__ import annotations

import posixpath
from urllib.parse import urldefrag, urlparse

_DOC_EXT = {".pdf": "pdf", ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".doc": "doc",
            ".docx": "docx", ".jpg": "image", ".jpeg": "image", ".png": "image",
            ".gif": "image", ".webp": "image", ".zip": "other", ".rar": "other"}


_INDEX_PAGES = ("/index.php", "/index.html", "/index.htm", "/main.php", "/default.asp", "/default.aspx")


def _port(parsed) -> int | None:
    try:
        return parsed.port
    except ValueError:  # "host:80:80", "host:port": a broken link, not a crash
        return None


def _host(parsed) -> str:
    return (parsed.hostname or "").removeprefix("www.")


def normalize_url(text: str) -> str | None:
    """A website address as typed in an agency list or on the command line, or None."""
    url = text.strip()
    if url and "://" not in url:
        url = "http://" + url
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    host = parsed.hostname or ""
    if parsed.scheme not in ("http", "https") or not host or " " in parsed.netloc or \
            ("." not in host and host != "localhost") or _port(parsed) is None and ":" in parsed.netloc.rsplit("]", 1)[-1]:
        return None
    return url if parsed.path else url + "/"


def server(url: str) -> str:
    """The server a URL is on: host (without www.) and a port other than its scheme's, lower case."""
    parsed = urlparse(url)
    port = _port(parsed)
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    return f"{_host(parsed)}{f':{port}' if port and port != default else ''}".lower()


def site_id(url: str) -> str:
    """Stable key of a site across runs: its server and path, lower case."""
    path = urlparse(url).path.rstrip("/")
    for index in _INDEX_PAGES:
        path = path.removesuffix(index)
    return f"{server(url)}{path.lower()}"


def same_site(url: str, hosts: tuple[str, ...] | list[str]) -> bool:
    """Is `url` on the site whose addresses (home page, where it redirected) are `hosts`?"""
    try:
        a = urlparse(url)
    except ValueError:
        return False
    for home in hosts:
        b = urlparse(home)
        if _host(a) == _host(b) and (_port(a) == _port(b) or not (_port(a) or _port(b))):
            return True
    return False


def url_kind(url: str) -> str:
    """What a URL most likely points at, from its file extension ('html' when unsure)."""
    ext = posixpath.splitext(urlparse(url).path.lower())[1]
    return _DOC_EXT.get(ext, "html")


# Where agencies keep evidence off their own site; none of it can be read by the crawler.
_EXTERNAL = {"drive.google.com": "ไฟล์บน Google Drive", "docs.google.com": "เอกสาร Google Docs",
             "sites.google.com": "หน้า Google Sites", "forms.gle": "แบบฟอร์ม Google",
             "facebook.com": "โพสต์ Facebook", "fb.com": "โพสต์ Facebook", "fb.watch": "วิดีโอ Facebook",
             "bit.ly": "ลิงก์ย่อ", "shorturl.at": "ลิงก์ย่อ", "tinyurl.com": "ลิงก์ย่อ", "cutt.ly": "ลิงก์ย่อ",
             "rb.gy": "ลิงก์ย่อ", "is.gd": "ลิงก์ย่อ", "t.ly": "ลิงก์ย่อ", "s.id": "ลิงก์ย่อ", "goo.gl": "ลิงก์ย่อ"}


def external_kind(url: str) -> str:
    """What an off-site evidence link is, in Thai ("ไฟล์บน Google Drive", "ลิงก์ย่อ"), or ""."""
    host = (urlparse(url).hostname or "").removeprefix("www.").removeprefix("m.")
    return _EXTERNAL.get(host, "")


def hash_route(url: str) -> bool:
    """`/#/ita/o12`, `/#!/oit`: a page of a single-page app (only a browser can show it)."""
    return "#" in url and urlparse(url).fragment.startswith(("/", "!/"))


def page_url(url: str) -> str:
    """The URL of the page a link names: without its #fragment (a part of the same page),
    unless the fragment is an app's route, which names a page of its own."""
    return url if "#" not in url or hash_route(url) else urldefrag(url)[0]
