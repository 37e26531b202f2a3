"""Thai legacy encodings are read right whatever the server or the page claims."""
import pytest

from crawler.decode import decode_html

THAI = "การประเมินคุณธรรมและความโปร่งใส ITA ๒๕๖๘ โครงสร้างองค์กร"


def _page(meta: str, text: str = THAI) -> str:
    return f"<html><head>{meta}<title>{text}</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize("meta, header", [
    ('<meta http-equiv="Content-Type" content="text/html; charset=tis-620">', ""),
    ('<meta charset="windows-874">', ""),
    ("", ""),  # no declaration at all
    ('<meta charset="utf-8">', ""),  # wrongly declared
    ("", "text/html; charset=ISO-8859-1"),  # a server default label
    ('<meta charset="iso-8859-11">', "text/html"),
])
def test_tis620_bytes_decode_as_thai(meta, header):
    body = _page(meta).encode("cp874")
    text, encoding = decode_html(body, header)
    assert THAI in text
    assert encoding == "cp874"


def test_utf8_stays_utf8_even_when_labelled_tis620():
    body = _page('<meta charset="tis-620">').encode("utf-8")
    text, encoding = decode_html(body, "")
    assert THAI in text and encoding == "utf-8"


def test_utf8_bom_and_plain_ascii():
    text, enc = decode_html(b"\xef\xbb\xbf" + _page("").encode("utf-8"))
    assert THAI in text and not text.startswith("\ufeff")
    assert decode_html(b"<html><title>ITA</title></html>")[0] == "<html><title>ITA</title></html>"


def test_latin_page_labelled_latin_is_not_forced_into_thai():
    body = _page('<meta charset="iso-8859-1">', "Caf\xe9 cr\xe8me").encode("latin-1")
    text, _ = decode_html(body)
    assert "Café crème" in text


def test_utf8_page_with_one_broken_character_stays_utf8():
    body = _page('<meta charset="utf-8">', THAI * 5).encode("utf-8")
    cut = body.replace("ครงสร".encode("utf-8"), "ครงสร".encode("utf-8")[:-1], 1)  # substr() cut
    text, encoding = decode_html(cut)
    assert encoding == "utf-8" and "การประเมินคุณธรรม" in text
