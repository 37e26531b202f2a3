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
import sqlalchemy as sa

from crawler.models import Agency, CheckResult, Evidence, Failure, ItemResult, RulesInfo, SiteInfo, Status
from crawler.results import run_report
from crawler.sqldata import DataStore

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


def test_results_read_back_as_written(history_db):
    store = DataStore(history_db)
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
    if store.engine.dialect.name == "sqlite":
        assert sqlite3.connect(history_db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_killed_run_is_never_reported_and_can_be_resumed(history_db):
    store = DataStore(history_db)
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


def test_a_batch_late_after_the_run_was_finished_changes_nothing(history_db):
    """A batch delivered twice by the queue may come after the run's end: the reported run stays as it was."""
    store = DataStore(history_db)
    run = store.start_run(2568, AS_OF, [agency(1)])
    assert store.record(run.id, "a1.go.th", result(agency(1)))
    store.finish_run(run.id)
    assert not store.record(run.id, "a1.go.th", result(agency(1), {"O1": Status.missing}))
    assert run_report(store).agencies[0].result.score == 100


def test_recording_is_all_or_nothing(history_db):
    store = DataStore(history_db)
    run = store.start_run(2568, AS_OF, [agency(1)])
    broken = result(agency(1))
    broken.items[10].evidence.append(None)  # fails half-way through the inserts
    with pytest.raises(AttributeError):
        store.record(run.id, "a1.go.th", broken)
    with store.engine.connect() as conn:
        for table in ("site_results", "item_results", "evidence", "failures"):
            assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


# a history file as the first versions of oit wrote it (schema 1, its version in table meta)
FIRST_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE agencies (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL,
    province TEXT, district TEXT, type TEXT, extra TEXT);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
    status TEXT NOT NULL, rules_year INTEGER NOT NULL, as_of TEXT NOT NULL, source TEXT);
CREATE TABLE run_agencies (run_id INTEGER NOT NULL REFERENCES runs(id), agency_id TEXT NOT NULL
    REFERENCES agencies(id), name TEXT NOT NULL, url TEXT NOT NULL, province TEXT, district TEXT,
    type TEXT, extra TEXT, PRIMARY KEY (run_id, agency_id));
CREATE TABLE site_results (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, url TEXT NOT NULL,
    status TEXT NOT NULL, pages_fetched INTEGER NOT NULL, error TEXT, score REAL NOT NULL,
    band TEXT NOT NULL, as_of TEXT NOT NULL, rules_items INTEGER NOT NULL, finished TEXT NOT NULL,
    PRIMARY KEY (run_id, agency_id), FOREIGN KEY (run_id, agency_id) REFERENCES run_agencies(run_id, agency_id));
CREATE TABLE item_results (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL,
    position INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
    years_seen TEXT, years_needed TEXT, hint TEXT, PRIMARY KEY (run_id, agency_id, code));
CREATE TABLE evidence (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL,
    position INTEGER NOT NULL, url TEXT NOT NULL, text TEXT, years TEXT, PRIMARY KEY (run_id, agency_id, code, position));
CREATE TABLE failures (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, url TEXT NOT NULL,
    error TEXT NOT NULL, http_status INTEGER);
INSERT INTO runs VALUES (1, '2025-03-20T01:00:00', '2025-03-20T02:00:00', 'complete', 2568, '2025-03-20', NULL);
INSERT INTO agencies VALUES ('b.go.th', 'อบต.ข', 'https://b.go.th/', 'ขอนแก่น', '', 'อบต.', '{}');
INSERT INTO agencies VALUES ('a.go.th', 'อบต.ก', 'https://a.go.th/', 'ขอนแก่น', '', 'อบต.', '{}');
INSERT INTO run_agencies VALUES (1, 'b.go.th', 'อบต.ข', 'https://b.go.th/', 'ขอนแก่น', '', 'อบต.', '{}');
INSERT INTO run_agencies VALUES (1, 'a.go.th', 'อบต.ก', 'https://a.go.th/', 'ขอนแก่น', '', 'อบต.', '{}');
INSERT INTO site_results VALUES (1, 'b.go.th', 'https://b.go.th/', 'ok', 9, '', 50, 'F', '2025-03-20', 28, '2025-03-20');
INSERT INTO site_results VALUES (1, 'a.go.th', 'https://a.go.th/', 'ok', 9, '', 60, 'F', '2025-03-20', 28, '2025-03-20');
INSERT INTO item_results VALUES (1, 'a.go.th', 'O1', 0, 'โครงสร้าง', 'found', 'พบ', '[]', '[]', '');
INSERT INTO failures VALUES (1, 'a.go.th', 'https://a.go.th/x.pdf', 'http-404', 404);
"""


def test_a_file_of_the_first_schema_is_upgraded_in_place_and_keeps_its_runs(tmp_path):
    old = sqlite3.connect(tmp_path / "h.sqlite")
    old.executescript(FIRST_SCHEMA)
    old.close()
    store = DataStore(tmp_path / "h.sqlite")
    assert store.revision() == "0004"
    assert [r.id for r in store.runs()] == [1]
    back = store.results(1)
    assert [a.agency.id for a in back] == ["b.go.th", "a.go.th"]  # the list's order, as written
    assert back[1].result.items[0].status is Status.found and back[1].result.failures[0].http_status == 404
    db = sqlite3.connect(tmp_path / "h.sqlite")
    assert {"pages_rendered", "rules_provisional"} <= {row[1] for row in db.execute("PRAGMA table_info(site_results)")}
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # and the upgraded file takes new runs
    run = store.start_run(2569, AS_OF, [agency(1)])
    assert run.id == 2 and [a.id for a in store.run_agencies(run.id)] == ["a1.go.th"]


def test_schema_is_versioned_and_a_newer_one_is_refused(history_db):
    store = DataStore(history_db)
    assert store.revision() == "0004"
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num='9999'"))
    store.close()
    with pytest.raises(RuntimeError, match="newer"):
        DataStore(history_db)


def test_a_file_of_a_newer_first_schema_is_refused(tmp_path):
    old = sqlite3.connect(tmp_path / "h.sqlite")
    old.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('schema_version', '7');")
    old.close()
    with pytest.raises(RuntimeError, match="newer"):
        DataStore(tmp_path / "h.sqlite")


def test_changes_between_runs(history_db):
    store = DataStore(history_db)
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
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    run = store.unfinished_run()
    done = store.done(run.id)
    assert 0 < len(done) < 2000
    # every agency that has a site result has all its 28 items: nothing half-written
    counts = sqlite3.connect(path).execute(
        "SELECT agency_id, COUNT(*) FROM item_results WHERE run_id=? GROUP BY agency_id", (run.id,)).fetchall()
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


def test_runs_of_two_rule_years_compare_item_by_item(history_db, tmp_path):
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

    store = DataStore(history_db)
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
