"""The SQLite history: runs survive kills, results read back as written, changes between runs."""
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.models import Agency, CheckResult, Evidence, Failure, ItemResult, RulesInfo, SiteInfo, Status
from crawler.results import run_report
from crawler.sqldata import SCHEMA_VERSION, DataStore

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 3, 20)


def agency(n: int) -> Agency:
    return Agency(id=f"a{n}.go.th", name=f"อบต.ทดสอบ {n}", url=f"https://a{n}.go.th/", province="ขอนแก่น",
                  district="เมือง" if n % 2 else "บ้านไผ่", type="อบต.", extra={"โทร": "043"})


def result(a: Agency, statuses: dict[str, Status] | None = None, site: str = "ok") -> CheckResult:
    statuses = statuses or {}
    items = []
    for n in range(1, 29):
        status = statuses.get(f"O{n}", Status.found)
        ev = [Evidence(url=f"{a.url}ita/o{n}.html", text=f"ข้อ {n}", years=[2568])] if status is Status.found else []
        items.append(ItemResult(code=f"O{n}", name=f"รายการ {n}", status=status, evidence=ev,
                                reason="พบ" if status is Status.found else "ไม่พบ", years_needed=[2568]))
    score = round(100 * sum(i.status is Status.found for i in items) / 28, 2)
    return CheckResult(site=SiteInfo(id=a.id, url=a.url, status=site, pages_fetched=20, pages_rendered=3),
                       rules=RulesInfo(year=2568, items=28), as_of=AS_OF, score=score, band="A", items=items,
                       failures=[Failure(url=f"{a.url}gone.pdf", error="http-404", http_status=404)])


def test_results_read_back_as_written(tmp_path):
    store = DataStore(tmp_path / "h.sqlite")
    agencies = [agency(1), agency(2)]
    run = store.start_run(2568, AS_OF, agencies)
    written = {a.id: result(a, {"O5": Status.stale}) for a in agencies}
    for a in agencies:
        store.record(run.id, a.id, written[a.id])
    assert store.runs() == []  # not complete yet: invisible to reports
    store.finish_run(run.id)
    back = store.results(run.id)
    assert [r.agency for r in back] == agencies
    assert {r.agency.id: r.result for r in back} == written
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_killed_run_is_never_reported_and_can_be_resumed(tmp_path):
    store = DataStore(tmp_path / "h.sqlite")
    first = store.start_run(2568, AS_OF, [agency(1), agency(2)])
    for n in (1, 2):
        store.record(first.id, f"a{n}.go.th", result(agency(n)))
    store.finish_run(first.id)
    second = store.start_run(2568, AS_OF, [agency(1), agency(2)])
    store.record(second.id, "a1.go.th", result(agency(1), {"O1": Status.missing}))
    # killed here: the report still shows the first run, whole
    report = run_report(store)
    assert report.run.id == first.id and all(a.result.score == 100 for a in report.agencies)
    assert store.unfinished_run().id == second.id and store.done(second.id) == {"a1.go.th"}


def test_recording_is_all_or_nothing(tmp_path, monkeypatch):
    store = DataStore(tmp_path / "h.sqlite")
    run = store.start_run(2568, AS_OF, [agency(1)])
    broken = result(agency(1))
    broken.items[10].evidence.append(None)  # fails half-way through the inserts
    with pytest.raises(AttributeError):
        store.record(run.id, "a1.go.th", broken)
    for table in ("site_results", "item_results", "evidence", "failures"):
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_a_database_of_the_first_schema_is_migrated_and_keeps_its_runs(tmp_path):
    from crawler.sqldata import MIGRATIONS

    old = sqlite3.connect(tmp_path / "h.sqlite")
    old.executescript(MIGRATIONS[1] + "; CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                      "INSERT INTO meta VALUES ('schema_version', '1');"
                      "INSERT INTO runs VALUES (1, '2025-03-20T01:00:00', '2025-03-20T02:00:00', 'complete',"
                      " 2568, '2025-03-20', NULL);")
    old.close()
    store = DataStore(tmp_path / "h.sqlite")
    assert [r.id for r in store.runs()] == [1]
    columns = {row[1] for row in store.db.execute("PRAGMA table_info(site_results)")}
    assert "pages_rendered" in columns
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_schema_is_versioned(tmp_path):
    DataStore(tmp_path / "h.sqlite").close()
    db = sqlite3.connect(tmp_path / "h.sqlite")
    assert db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
    db.execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    db.commit()
    with pytest.raises(RuntimeError, match="newer"):
        DataStore(tmp_path / "h.sqlite")


def test_changes_between_runs(tmp_path):
    store = DataStore(tmp_path / "h.sqlite")
    one = store.start_run(2568, AS_OF, [agency(1), agency(2), agency(3)])
    store.record(one.id, "a1.go.th", result(agency(1), {"O3": Status.missing}))
    store.record(one.id, "a2.go.th", result(agency(2)))
    store.record(one.id, "a3.go.th", result(agency(3)))
    store.finish_run(one.id)
    two = store.start_run(2568, AS_OF, [agency(1), agency(2), agency(4)])
    store.record(two.id, "a1.go.th", result(agency(1), {"O7": Status.stale}))  # O3 fixed, O7 new gap
    store.record(two.id, "a2.go.th", result(agency(2), {n: Status.unverified for n in ("O1", "O2")},
                                            site="unreachable"))
    store.record(two.id, "a4.go.th", result(agency(4)))
    store.finish_run(two.id)
    report = run_report(store)
    c = report.changes
    assert c.previous_run == one.id
    assert [(x.agency_id, x.code, x.before, x.after) for x in c.new_gaps] == [("a1.go.th", "O7", Status.found, Status.stale)]
    assert [(x.agency_id, x.code) for x in c.fixed] == [("a1.go.th", "O3")]
    assert c.unreachable == ["a2.go.th"]  # and its items are not counted as new gaps
    assert c.added == ["a4.go.th"] and c.removed == ["a3.go.th"]
    assert [p.run_id for p in report.history["a1.go.th"]] == [one.id, two.id]
    assert report.history["a1.go.th"][0].items["O3"] is Status.missing
    assert [t.run_id for t in report.trend] == [one.id, two.id]
    assert report.trend[-1].unreachable == 1


WRITER = """
import sys, datetime as dt
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from test_history import agency, result
from crawler.sqldata import DataStore
store = DataStore(sys.argv[1])
run = store.start_run(2568, dt.date(2025, 3, 20), [agency(n) for n in range(2000)])
print("started", flush=True)
for n in range(2000):
    store.record(run.id, agency(n).id, result(agency(n)))
"""


def test_sigkill_mid_write_leaves_a_sound_database(tmp_path):
    path = tmp_path / "h.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", WRITER.format(root=str(ROOT), tests=str(ROOT / "tests")), str(path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    watcher = sqlite3.connect(path, timeout=30)
    deadline = time.monotonic() + 60
    while watcher.execute("SELECT COUNT(*) FROM site_results").fetchone()[0] < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the run, likely in the middle of a write
    watcher.close()
    proc.wait()
    store = DataStore(path)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    run = store.unfinished_run()
    done = store.done(run.id)
    assert 0 < len(done) < 2000
    # every agency that has a site result has all its 28 items: nothing half-written
    counts = store.db.execute("SELECT agency_id, COUNT(*) FROM item_results WHERE run_id=? GROUP BY agency_id",
                              (run.id,)).fetchall()
    assert {a for a, _ in counts} == done and {n for _, n in counts} == {28}
    assert store.runs() == []


def test_could_not_look_is_not_a_new_gap_and_days_are_thai(tmp_path):
    from crawler.results import changes, local_day

    one = [agency_result(1, {})]
    two = [agency_result(1, {"O4": Status.unverified, "O5": Status.missing}, site="partial")]
    c = changes(two, one, 1)
    assert [x.code for x in c.new_gaps] == ["O5"] and [x.code for x in c.unverifiable] == ["O4"]
    # a nightly run at 01:30 Thai time is stored in UTC as the evening before
    assert local_day(dt.datetime(2025, 3, 19, 18, 30, tzinfo=dt.timezone.utc)) == dt.date(2025, 3, 20)


def agency_result(n, statuses, site="ok"):
    from crawler.models import AgencyResult
    return AgencyResult(agency=agency(n), result=result(agency(n), statuses, site))


def test_runs_of_two_rule_years_compare_item_by_item(tmp_path):
    """A 2568 run then a 2569 run: the changes page compares each 2569 item with what it was in
    2568 (renumbered O12 -> O11; the merged No Gift item O20 passed only if both O21 and O22 did)."""
    from reports import site

    from crawler import rules as rules_mod
    from crawler.evaluate import renumbered

    def year_result(year: int, statuses: dict[str, Status]) -> CheckResult:
        pack = rules_mod.load(str(year))
        items = [ItemResult(code=r.code, name=r.name, status=statuses.get(r.code, Status.found),
                            reason="ตรวจแล้ว", previous=renumbered(r)) for r in pack.items]
        return CheckResult(site=SiteInfo(id="a1.go.th", url="https://a1.go.th/", status="ok", pages_fetched=9),
                           rules=RulesInfo(year=year, items=len(items)), as_of=AS_OF, score=50, band="F",
                           items=items)

    store = DataStore(tmp_path / "h.sqlite")
    one = store.start_run(2568, AS_OF, [agency(1)])
    store.record(one.id, "a1.go.th", year_result(2568, {"O22": Status.missing}))
    store.finish_run(one.id)
    two = store.start_run(2569, dt.date(2026, 3, 20), [agency(1)])
    store.record(two.id, "a1.go.th", year_result(2569, {"O11": Status.missing, "O13": Status.stale}))
    store.finish_run(two.id)
    report = run_report(store)
    c = report.changes
    # O11 was O12 (found) and O13 was O14 (found): both are new gaps under their 2569 codes
    assert sorted((x.code, x.before, x.after) for x in c.new_gaps) == [
        ("O11", Status.found, Status.missing), ("O13", Status.found, Status.stale)]
    assert [(x.code, x.before) for x in c.fixed] == [("O20", Status.missing)]  # O21 found + O22 missing
    assert c.previous_year == 2568 and c.comparable
    assert c.was["O11"] == ["O12"] and c.was["O20"] == ["O21", "O22"]
    assert "O1" not in c.was  # kept its code
    assert report.history["a1.go.th"][0].items["O20"] is Status.missing
    site.write(report, tmp_path / "site")
    page = (tmp_path / "site" / "changes.html").read_text(encoding="utf-8")
    assert "(2568: O12)" in page and "(2568: O21, O22)" in page and "เกณฑ์ พ.ศ. 2568" in page
    agency_page = next((tmp_path / "site" / "agency").glob("*.html")).read_text(encoding="utf-8")
    assert "(2568: O12)" in agency_page  # beside O11 in the item table
    # years no pack links (a pack in between is missing): said so, never compared code by code
    from crawler.results import changes
    lost = changes(report.agencies, store.results(one.id), one.id, {}, 2566)
    assert not lost.comparable and not lost.new_gaps and not lost.fixed
