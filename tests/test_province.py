"""The coordinator's night, end to end: a generated province of agencies served on loopback,
crawled into the history, reported, looked at in Chromium; then a later night with changes."""
import csv
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from browsing import assert_thai_font, open_page
from crawler.models import Status
from crawler.results import run_report
from crawler.sqldata import DataStore


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
from generate import generate  # noqa: E402 - samples/ is not a package


def oit(*args, timeout=900):
    proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", *map(str, args)], cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if k != "OIT_ALLOW_NETWORKS"},
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """100 agencies crawled and reported once (the run the tests below look at)."""
    tmp = tmp_path_factory.mktemp("province")
    farm = generate(tmp / "farm", 100, seed=11)
    db, out = tmp / "h.sqlite", tmp / "report"
    crawl = oit("crawl", "--farm", farm, "--agencies", farm / "agencies.csv", "--db", db)
    oit("report", "--db", db, "--out", out)
    return farm, db, out, crawl


def test_a_hundred_agencies_end_to_end(province):
    farm, db, out, crawl = province
    store = DataStore(db)
    [run] = store.runs()
    assert run.status == "complete" and run.agencies == 100 and len(store.done(run.id)) == 100
    report = run_report(store)
    truth = json.loads((farm / "truth.json").read_text(encoding="utf-8"))["sites"]
    right = sum(i.status.value == truth[a.agency.id]["items"][i.code]["status"]
                for a in report.agencies for i in a.result.items)
    assert right / (100 * 28) >= 0.95
    assert "100 หน่วยงาน" in crawl.stdout  # the summary at the end
    assert {p.name for p in out.iterdir()} >= {"index.html", "changes.html", "agency", "item", "itas",
                                               "oit-results.csv", "oit-results.xlsx", "oit-results.json"}
    assert len(list((out / "agency").glob("*.html"))) == 100 and len(list((out / "item").glob("*.html"))) == 28
    assert 'href="oit-results.xlsx"' in (out / "index.html").read_text(encoding="utf-8")
    for page in (out / "agency").glob("*.html"):  # each agency page links its own ITAS sheet
        sheet = re.search(r'href="\.\./(itas/[^"]+\.xlsx)"', page.read_text(encoding="utf-8")).group(1)
        assert (out / sheet).is_file()


def test_report_opens_in_chromium_without_errors_and_thai_is_readable(province, browser, tmp_path):
    _, _, out, _ = province
    for page_path in (out / "index.html", out / "changes.html", next((out / "agency").glob("*.html"))):
        page, errors = open_page(browser, page_path)
        assert page.locator("h1").is_visible()
        assert_thai_font(page, "h1")
        assert errors == [], f"{page_path.name}: {errors}"
        page.close()
    page, _ = open_page(browser, out / "index.html")
    assert page.locator("#mx tbody tr").count() == 100
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=False)
    assert (tmp_path / "overview.png").stat().st_size > 20_000
    page.close()


def test_exports_read_back_with_thai(province):
    farm, _, out, _ = province
    names = {row["name"] for row in csv.DictReader((farm / "agencies.csv").open(encoding="utf-8"))}
    raw = (out / "oit-results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel shows Thai
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 100 * 28 and {r["name"] for r in rows} == names
    assert {r["status"] for r in rows} <= {s.value for s in Status}
    summary = load_workbook(out / "oit-results.xlsx").worksheets[0]
    values = [row[0] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert len(values) == 100 and set(values) == names


def test_a_later_night_shows_exactly_what_changed(tmp_path, browser, history_db):
    """Two nights into one history: an SQLite file, or a shared PostgreSQL database (--db URL)."""
    base = generate(tmp_path / "base", 30, seed=5)
    later = generate(tmp_path / "later", 30, seed=5, changed=True)
    db, out = history_db, tmp_path / "report"
    oit("crawl", "--farm", base, "--agencies", base / "agencies.csv", "--db", db)
    oit("nightly", "--farm", later, "--agencies", later / "agencies.csv", "--db", db, "--out", out)
    expected = json.loads((later / "changes.json").read_text(encoding="utf-8"))
    down = set(expected["unreachable"])
    report = run_report(DataStore(db))
    c = report.changes
    assert sorted(c.unreachable) == sorted(down)
    # an unreachable site's items are "could not look", not new gaps
    assert sorted((x.agency_id, x.code) for x in c.new_gaps) == \
        sorted((s, code) for s, code in expected["new_gaps"] if s not in down)
    assert sorted((x.agency_id, x.code) for x in c.fixed) == sorted(map(tuple, expected["fixed"]))
    assert c.new_gaps and c.fixed and c.unreachable

    html = (out / "changes.html").read_text(encoding="utf-8")
    names = {a.agency.id: a.agency.name for a in report.agencies}
    for x in c.new_gaps + c.fixed:
        assert names[x.agency_id] in html and x.code in html
    for sid in down:
        assert names[sid] in html
    page, errors = open_page(browser, out / "changes.html")
    assert_thai_font(page, "h1")
    assert errors == []
    page.close()
