"""Pages built by JavaScript: read through Chromium when (and only when) they need it.

Four small sites in one farm: a hash-route single-page app fed by JSON (which also tries to
reach a private address), an ITA page whose 2568 list appears only after a year switch and a
click, a TIS-620 app shell with no charset, and a plain server-rendered site with static tabs.
"""
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crawler import render
from crawler.models import Page, Link
from crawler.urls import hash_route

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}
HEAD = '<!doctype html><html><head><meta charset="utf-8"><title>{}</title></head><body>'


def _html(title: str, body: str) -> str:
    return HEAD.format(title) + f"<h1>{title}</h1>{body}</body></html>"


def _news(n: int = 6) -> str:
    return "".join(f'<li><a href="/news/{i}.html">ข่าวกิจกรรมที่ {i}</a></li>' for i in range(n))


def _sites(secret: str) -> dict[str, dict[str, str | bytes]]:
    spa_pages = {
        "/": '<h2>เทศบาลตำบลทดสอบ</h2><a href="#/ita">ITA 2568</a> <a href="#/about">เกี่ยวกับเรา</a>',
        "/ita": '<h2>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปี 2568</h2><table>'
                '<tr><td>O1</td><td>โครงสร้างและอำนาจหน้าที่</td><td><a href="#/about/structure">คลิก</a></td></tr>'
                '<tr><td>O12</td><td>รายการการจัดซื้อจัดจ้าง</td><td><a href="/files/proc-2568.html">คลิก</a></td>'
                '</tr></table>',
        "/about": "<h2>เกี่ยวกับเรา</h2>",
        "/about/structure": "<h2>โครงสร้างและอำนาจหน้าที่</h2><p>แผนภูมิโครงสร้างของเทศบาล</p>",
    }
    app = ("fetch('/data/pages.json').then(r => r.json()).then(pages => {"
           " const show = () => { const route = location.hash.replace(/^#/, '') || '/';"
           " document.getElementById('app').innerHTML = pages[route] || 'ไม่พบหน้า'; };"
           " window.addEventListener('hashchange', show); show(); });"
           f" fetch('{secret}').then(r => r.text()).then(t => {{ document.body.insertAdjacentHTML('beforeend', t); }})"
           ".catch(() => {});")
    proc = _html("สรุปผลการจัดซื้อจัดจ้าง ประจำปีงบประมาณ 2568", "<p>ตุลาคม 2567</p>")
    lists = {y: {"O12": [f"/files/proc-{y}.html", f"สรุปผลการจัดซื้อจัดจ้าง ปีงบประมาณ {y}"]} for y in (2567, 2568)}
    switch = (
        '<div class="accordion"><button data-bs-toggle="collapse" data-bs-target="#p1" aria-expanded="false">'
        'ข้อมูลพื้นฐาน</button><div id="p1" class="collapse"><ul><li>O1 <a href="/about.html">'
        'โครงสร้างและอำนาจหน้าที่</a></li></ul></div>'
        '<h3 id="h27" aria-controls="p27" aria-expanded="false">ส่วนที่ 27 คุณธรรม</h3><div id="p27"></div></div>'
        '<label>ปี <select id="year"><option value="2567" selected>ปีงบประมาณ 2567</option>'
        '<option value="2568">ปีงบประมาณ 2568</option></select></label><ul id="list"></ul>'
        "<script>"
        "const load = y => fetch('/data/oit-' + y + '.json').then(r => r.json()).then(d => {"
        " document.getElementById('list').innerHTML = Object.entries(d).map(([k, [u, t]]) =>"
        " '<li>' + k + ' <a href=\"' + u + '\">' + t + '</a></li>').join(''); });"
        "document.getElementById('year').addEventListener('change', e => load(e.target.value)); load('2567');"
        "document.getElementById('h27').addEventListener('click', () => { document.getElementById('p27').innerHTML ="
        " '<a href=\"/files/o27.html\">มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน ประจำปีงบประมาณ 2568</a>'; });"
        "</script>")
    tis_shell = ("<html><head><title>องค์การบริหารส่วนตำบลทดสอบ</title></head><body><div id=\"root\"></div>"
                 "<script>document.getElementById('root').innerHTML = "
                 "'<a href=\"/structure.html\">โครงสร้างและอำนาจหน้าที่</a>';</script></body></html>")
    tabs = ('<ul class="nav nav-tabs"><li><a data-bs-toggle="tab" href="#t68" role="tab">ITA 2568</a></li>'
            '<li><a data-bs-toggle="tab" href="#t67" role="tab">ITA 2567</a></li></ul>'
            '<div id="t68" class="tab-pane active">O1 <a href="/about.html">โครงสร้างและอำนาจหน้าที่</a></div>'
            '<div id="t67" class="tab-pane">O1 <a href="/about.html">โครงสร้าง</a></div>'
            '<script src="/js/bootstrap.min.js"></script>')
    return {
        "spa": {"index.html": HEAD.format("เทศบาลตำบลทดสอบ") + '<div id="app">กำลังโหลด</div>'
                '<script src="/assets/app.js"></script></body></html>',
                "assets/app.js": app, "data/pages.json": json.dumps(spa_pages, ensure_ascii=False),
                "files/proc-2568.html": proc},
        "switch": {"index.html": _html("อบต.สลับปี", f'<ul>{_news()}</ul><a href="/ita/">ITA 2568</a>'),
                   "ita/index.html": _html("ITA 2568 การเปิดเผยข้อมูลสาธารณะ", switch),
                   "about.html": _html("โครงสร้างและอำนาจหน้าที่", ""),
                   "data/oit-2567.json": json.dumps(lists[2567], ensure_ascii=False),
                   "data/oit-2568.json": json.dumps(lists[2568], ensure_ascii=False),
                   "files/proc-2567.html": _html("สรุปผลการจัดซื้อจัดจ้าง ประจำปีงบประมาณ 2567", ""),
                   "files/proc-2568.html": proc,
                   "files/o27.html": _html("มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน "
                                           "ประจำปีงบประมาณ 2568", "")},
        "tis": {"index.html": tis_shell.encode("cp874"),
                "structure.html": _html("โครงสร้างและอำนาจหน้าที่", "")},
        "static": {"index.html": _html("เทศบาลหน้าคงที่", f'<ul>{_news()}</ul><a href="/ita.html">ITA 2568</a>'),
                   "ita.html": _html("ITA 2568", tabs), "js/bootstrap.min.js": "/* tabs */",
                   "about.html": _html("โครงสร้างและอำนาจหน้าที่", "")},
    }


class _Secret(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Secret.hits.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write('<a href="/leak.html">ข้อมูลภายใน</a>'.encode())

    def log_message(self, *args):
        pass


def _farm(root: Path, secret: str) -> Path:
    for sid, files in _sites(secret).items():
        for name, content in files.items():
            path = root / sid / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        for i in range(6):
            (root / sid / "news").mkdir(exist_ok=True)
            (root / sid / "news" / f"{i}.html").write_text(_html(f"ข่าวกิจกรรมที่ {i}", "<p>15 ม.ค. 2568</p>"),
                                                           encoding="utf-8")
    sites = {sid: {"items": {}} for sid in ("spa", "switch", "tis", "static")}
    (root / "truth.json").write_text(json.dumps({"as_of": "2025-03-20", "rules": "2568", "sites": sites}),
                                     encoding="utf-8")
    return root


def _eval(farm: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.cmdline", "eval", str(farm), "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), _Secret)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        root = tmp_path_factory.mktemp("js")
        farm = _farm(root / "farm", f"http://127.0.0.2:{server.server_address[1]}/secret.html")
        proc = _eval(farm, root / "out", ENV)
        assert proc.returncode == 0, proc.stderr
        yield {sid: json.loads((root / "out" / f"{sid}.json").read_text(encoding="utf-8"))
               for sid in ("spa", "switch", "tis", "static")}, farm, root
    finally:
        server.shutdown()
        server.server_close()


def _item(result: dict, code: str) -> dict:
    return next(i for i in result["items"] if i["code"] == code)


def test_a_hash_route_app_is_read_through_the_browser(rendered):
    spa = rendered[0]["spa"]
    assert spa["site"]["pages_rendered"] >= 3
    structure = _item(spa, "O1")
    assert structure["status"] == "found"
    assert structure["evidence"][0]["url"].endswith("/#/about/structure")
    assert _item(spa, "O12")["status"] == "found"


def test_the_browser_never_reaches_a_private_address(rendered):
    assert _Secret.hits == []
    assert "leak" not in json.dumps(rendered[0]["spa"])


def test_lists_behind_a_year_switch_and_a_click_are_read(rendered):
    switch = rendered[0]["switch"]
    procurement = _item(switch, "O12")
    assert procurement["status"] == "found"
    assert [e["url"].rsplit("/", 1)[1] for e in procurement["evidence"]] == ["proc-2568.html"]
    assert _item(switch, "O27")["status"] == "found"
    assert _item(switch, "O1")["status"] == "found"  # in a collapsed accordion: in the HTML already
    assert switch["site"]["pages_rendered"] == 1  # the ITA page only, not the news


def test_a_tis620_app_shell_without_charset_is_decoded_right(rendered):
    tis = rendered[0]["tis"]
    assert tis["site"]["pages_rendered"] == 1
    assert _item(tis, "O1")["status"] == "found"


def test_server_rendered_pages_never_start_the_browser(rendered):
    static = rendered[0]["static"]
    assert static["site"]["pages_rendered"] == 0
    assert _item(static, "O1")["status"] == "found"


def test_without_a_browser_the_run_goes_on_and_says_why(rendered):
    _, farm, root = rendered
    proc = _eval(farm, root / "nobrowser", {**ENV, "OIT_BROWSER": "/nonexistent/chromium"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("no Chromium") == 1
    spa = json.loads((root / "nobrowser" / "spa.json").read_text(encoding="utf-8"))
    assert spa["site"]["status"] == "partial" and spa["site"]["pages_rendered"] == 0
    assert {i["status"] for i in spa["items"]} == {"unverified"}
    assert "JavaScript" in _item(spa, "O1")["reason"]
    static = json.loads((root / "nobrowser" / "static.json").read_text(encoding="utf-8"))
    assert static["site"]["status"] == "ok" and _item(static, "O1")["status"] == "found"


def _page(links: int, **kw) -> Page:
    return Page(url="http://a.go.th/", kind="html",
                links=[Link(url=f"http://a.go.th/{i}", text="x") for i in range(links)], **kw)


def test_which_pages_need_the_browser():
    shell = b'<div id="__next"></div><script src="/_next/static/chunks/main.js"></script>'
    assert render.needs_browser(_page(0), shell, important=False)
    assert not render.needs_browser(_page(40), b"<p>news</p><script>var x = 1;</script>", important=True)
    assert not render.needs_browser(_page(40), b"<select><option>2568</option></select>", important=True)  # no script
    select = b"<select><option>2567</option><option>2568</option></select><script src=/a.js></script>"
    assert render.needs_browser(_page(40), select, important=True)
    assert not render.needs_browser(_page(40), select, important=False)  # a news page's widget
    filled = (b'<button data-bs-toggle="collapse" data-bs-target="#c" aria-expanded="false">O1</button>'
              b'<div id="c"><a href="/x">x</a></div><script src=/b.js></script>')
    assert not render.needs_browser(_page(40), filled, important=True)
    assert render.needs_browser(_page(40), filled.replace(b'<a href="/x">x</a>', b""), important=True)
    # a handler builds content, unless it is the site's menu; year tabs count wherever they sit
    toggler = b'<nav class="navbar"><button onclick="toggleMenu()">menu</button></nav><script src=/m.js></script>'
    assert not render.needs_browser(_page(40), toggler, important=True)
    tabs = (b'<nav><ul class="nav nav-tabs"><li><a onclick="load(2569)">2569</a></li>'
            b'<li><a onclick="load(2568)">2568</a></li></ul></nav><div id="list"></div><script src=/t.js></script>')
    assert render.needs_browser(_page(40), tabs, important=True)
    assert hash_route("http://a.go.th/#/ita/o12") and hash_route("http://a.go.th/#!/oit")
    assert not hash_route("http://a.go.th/ita#top")
