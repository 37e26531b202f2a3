"""A labelled farm with a photo archive added to every site: sites as large as real ones.

    python bench/bulk.py SRC OUT [--albums 300]

The sample sites hold little beyond their OIT items (30-70 files); a real agency site also has
years of news and photo albums, which is where a crawl that follows every link spends its
requests. Every site of SRC gets `/photos/`: listing pages of ten albums each (every listing links
every other, as CMS page bars do) and one page per album, Thai text without years or item words.
The home page links it first thing in its body, where agency sites put their news and photo
menus (before the ITA banner). Everything else is hard-linked from SRC unchanged, and truth.json
is SRC's: the archive is evidence of nothing.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from crawler.decode import decode_html  # noqa: E402

PER_LISTING = 10
_BODY = re.compile(rb"<body[^>]*>", re.I)
_PAGE = """<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>
{body}
<p>{pager}</p>
<p><a href="/">หน้าแรก</a></p>
</body></html>
"""


def _listing(n: int) -> str:
    return "/photos/" if n == 1 else f"/photos/page-{n}.html"


def _archive(root: Path, albums: int) -> None:
    photos = root / "photos"
    photos.mkdir()
    listings = -(-albums // PER_LISTING)
    pager = " ".join(f'<a href="{_listing(n)}">{n}</a>' for n in range(1, listings + 1))
    for n in range(1, listings + 1):
        first = (n - 1) * PER_LISTING + 1
        rows = "\n".join(f'<li><a href="/photos/album-{a:03d}.html"><img src="/photos/thumb.png" alt="">'
                         f" อัลบั้มภาพชุดที่ {a}</a></li>"
                         for a in range(first, min(first + PER_LISTING, albums + 1)))
        name = "index.html" if n == 1 else f"page-{n}.html"
        (photos / name).write_text(_PAGE.format(title=f"คลังภาพ หน้า {n}", body=f"<ul>{rows}</ul>", pager=pager),
                                   encoding="utf-8")
    for a in range(1, albums + 1):
        body = (f"<p>ภาพบรรยากาศทุ่งนา วัด และสถานที่ท่องเที่ยวในพื้นที่ ชุดที่ {a}</p>"
                + "".join(f'<img src="/photos/thumb.png" alt="ภาพที่ {i}">' for i in range(1, 7)))
        (photos / f"album-{a:03d}.html").write_text(
            _PAGE.format(title=f"อัลบั้มภาพชุดที่ {a}", body=body,
                         pager=f'<a href="{_listing((a - 1) // PER_LISTING + 1)}">กลับไปคลังภาพ</a>'),
            encoding="utf-8")


def _link_home(home: Path) -> None:
    """Put the archive link first in the home page's body, in the page's own encoding."""
    data = home.read_bytes()
    _, encoding = decode_html(data)
    link = '<p><a href="/photos/">คลังภาพกิจกรรม</a></p>'.encode(encoding, "xmlcharrefreplace")
    m = _BODY.search(data)
    at = m.end() if m else 0
    home.unlink()  # a hard link to the source: write a file of its own
    home.write_bytes(data[:at] + link + data[at:])


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system
        shutil.copy2(src, dst)


def with_archive(src: Path, out: Path, albums: int = 300) -> Path:
    """Write SRC plus a photo archive per site to OUT (replaced) and return OUT."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(src, out, copy_function=_link)
    for site in sorted(p for p in out.iterdir() if p.is_dir()):
        if (site / "index.html").is_file() and not (site / "photos").exists():
            _archive(site, albums)
            _link_home(site / "index.html")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("src", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--albums", type=int, default=300)
    args = p.parse_args(argv)
    with_archive(args.src, args.out, args.albums)
    print(f"{args.out}: {args.src} with {args.albums} photo albums per site")
    return 0


if __name__ == "__main__":
    sys.exit(main())
