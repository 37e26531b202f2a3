"""The history: one SQLite data file with runs, agencies, item results, evidence and failures.

WAL mode; a versioned schema migrated forward on open. Each agency's result is written in one
transaction, and a run is marked complete only at its end, so a run killed half-way shows
nothing half-written: reports read complete runs only, and the run can be resumed.
Plain SQL types only, so the same schema can live in a server database later.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from pathlib import Path

from .models import (Agency, AgencyResult, CheckResult, Evidence, Failure, ItemResult, Run, RulesInfo,
                     SiteInfo, Status)

SCHEMA_VERSION = 3
MIGRATIONS = {
    1: """
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
        PRIMARY KEY (run_id, agency_id),
        FOREIGN KEY (run_id, agency_id) REFERENCES run_agencies(run_id, agency_id));
    CREATE TABLE item_results (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL,
        position INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, reason TEXT NOT NULL,
        years_seen TEXT, years_needed TEXT, hint TEXT, PRIMARY KEY (run_id, agency_id, code));
    CREATE TABLE evidence (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, code TEXT NOT NULL,
        position INTEGER NOT NULL, url TEXT NOT NULL, text TEXT, years TEXT,
        PRIMARY KEY (run_id, agency_id, code, position));
    CREATE TABLE failures (run_id INTEGER NOT NULL, agency_id TEXT NOT NULL, url TEXT NOT NULL,
        error TEXT NOT NULL, http_status INTEGER);
    CREATE INDEX failures_run ON failures (run_id, agency_id);
    """,
    2: "ALTER TABLE site_results ADD COLUMN pages_rendered INTEGER NOT NULL DEFAULT 0",
    3: """
    ALTER TABLE site_results ADD COLUMN rules_provisional INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE item_results ADD COLUMN previous TEXT
    """,
}
_RESULT_TABLES = ("site_results", "item_results", "evidence", "failures")


class DataStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)  # a fresh machine has no out/ yet
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._migrate()

    def close(self) -> None:
        self.db.close()

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"{self.path}: written by a newer oit (schema {version}); upgrade oit")
        for v in range(version + 1, SCHEMA_VERSION + 1):
            with self._tx():
                # another process may have migrated while this one waited for the lock
                row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
                if row and int(row[0]) >= v:
                    continue
                # one statement at a time: executescript() would commit half a migration
                for statement in filter(str.strip, MIGRATIONS[v].split(";")):
                    self.db.execute(statement)
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(v),))

    def _tx(self):
        return _Transaction(self.db)

    # ------------------------------------------------------------ writing a run

    def start_run(self, rules_year: int, as_of: dt.date, agencies: list[Agency], source: str = "") -> Run:
        now = _now()
        with self._tx():
            cur = self.db.execute("INSERT INTO runs (started, status, rules_year, as_of, source) "
                                  "VALUES (?, 'running', ?, ?, ?)", (now, rules_year, as_of.isoformat(), source))
            run_id = cur.lastrowid
            for a in agencies:
                extra = json.dumps(a.extra, ensure_ascii=False)
                self.db.execute("INSERT INTO agencies VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                                "SET name=excluded.name, url=excluded.url, province=excluded.province, "
                                "district=excluded.district, type=excluded.type, extra=excluded.extra",
                                (a.id, a.name, a.url, a.province, a.district, a.type, extra))
                self.db.execute("INSERT INTO run_agencies VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                (run_id, a.id, a.name, a.url, a.province, a.district, a.type, extra))
        return self.run(run_id)

    def record(self, run_id: int, agency_id: str, result: CheckResult) -> None:
        """Store one agency's result, all or nothing (a rerun of the agency replaces it)."""
        with self._tx():
            for table in _RESULT_TABLES:
                self.db.execute(f"DELETE FROM {table} WHERE run_id=? AND agency_id=?", (run_id, agency_id))
            s = result.site
            self.db.execute("INSERT INTO site_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            (run_id, agency_id, s.url, s.status, s.pages_fetched, s.error, result.score,
                             result.band, result.as_of.isoformat(), result.rules.items, _now(), s.pages_rendered,
                             int(result.rules.provisional)))
            for pos, item in enumerate(result.items):
                self.db.execute("INSERT INTO item_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (run_id, agency_id, item.code, pos, item.name, item.status.value, item.reason,
                                 json.dumps(item.years_seen), json.dumps(item.years_needed), item.hint,
                                 json.dumps(item.previous)))
                for epos, ev in enumerate(item.evidence):
                    self.db.execute("INSERT INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?)",
                                    (run_id, agency_id, item.code, epos, ev.url, ev.text, json.dumps(ev.years)))
            self.db.executemany("INSERT INTO failures VALUES (?, ?, ?, ?, ?)",
                                [(run_id, agency_id, f.url, f.error, f.http_status) for f in result.failures])

    def finish_run(self, run_id: int) -> Run:
        with self._tx():
            self.db.execute("UPDATE runs SET status='complete', finished=? WHERE id=?", (_now(), run_id))
        return self.run(run_id)

    # ------------------------------------------------------------ reading

    def run(self, run_id: int) -> Run:
        row = self.db.execute("SELECT r.*, (SELECT COUNT(*) FROM run_agencies WHERE run_id=r.id) AS n "
                              "FROM runs r WHERE id=?", (run_id,)).fetchone()
        if row is None:
            raise LookupError(f"no run {run_id} in {self.path}")
        return Run(id=row["id"], started=row["started"], finished=row["finished"], status=row["status"],
                   rules_year=row["rules_year"], as_of=row["as_of"], agencies=row["n"])

    def runs(self, complete: bool = True) -> list[Run]:
        where = "WHERE status='complete'" if complete else ""
        return [self.run(r[0]) for r in self.db.execute(f"SELECT id FROM runs {where} ORDER BY id")]

    def unfinished_run(self) -> Run | None:
        """The newest run that was stopped before its end, if it is the newest run of all."""
        row = self.db.execute("SELECT id, status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return self.run(row["id"]) if row and row["status"] == "running" else None

    def run_agencies(self, run_id: int) -> list[Agency]:
        return [_agency(r) for r in self.db.execute(
            "SELECT * FROM run_agencies WHERE run_id=? ORDER BY rowid", (run_id,))]

    def done(self, run_id: int) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT agency_id FROM site_results WHERE run_id=?", (run_id,))}

    def tally(self, run_id: int) -> tuple[list[tuple[float, str]], Counter]:
        """Each site's (score, status) and the item status counts of a run: a summary of thousands
        of agencies without loading their results."""
        sites = [(r[0], r[1]) for r in self.db.execute("SELECT score, status FROM site_results WHERE run_id=?",
                                                        (run_id,))]
        counts = Counter({Status(r[0]): r[1] for r in self.db.execute(
            "SELECT status, COUNT(*) FROM item_results WHERE run_id=? GROUP BY status", (run_id,))})
        return sites, counts

    def results(self, run_id: int) -> list[AgencyResult]:
        run = self.run(run_id)
        failures = self.failures(run_id)
        items: dict[str, list[ItemResult]] = {}
        evidence: dict[tuple[str, str], list[Evidence]] = {}
        for r in self.db.execute("SELECT * FROM evidence WHERE run_id=? ORDER BY agency_id, code, position",
                                 (run_id,)):
            evidence.setdefault((r["agency_id"], r["code"]), []).append(
                Evidence(url=r["url"], text=r["text"] or "", years=json.loads(r["years"] or "[]")))
        for r in self.db.execute("SELECT * FROM item_results WHERE run_id=? ORDER BY agency_id, position",
                                 (run_id,)):
            items.setdefault(r["agency_id"], []).append(ItemResult(
                code=r["code"], name=r["name"], status=Status(r["status"]), reason=r["reason"],
                evidence=evidence.get((r["agency_id"], r["code"]), []), hint=r["hint"] or "",
                years_seen=json.loads(r["years_seen"] or "[]"), years_needed=json.loads(r["years_needed"] or "[]"),
                previous=json.loads(r["previous"] or "[]")))
        out = []
        for r in self.db.execute("SELECT a.*, s.url AS site_url, s.status AS site_status, s.pages_fetched, s.pages_rendered, "
                                 "s.error, s.score, s.band, s.as_of AS site_as_of, s.rules_items, s.rules_provisional "
                                 "FROM run_agencies a JOIN site_results s USING (run_id, agency_id) "
                                 "WHERE a.run_id=? ORDER BY a.rowid", (run_id,)):
            result = CheckResult(
                site=SiteInfo(id=r["agency_id"], url=r["site_url"], status=r["site_status"],
                              pages_fetched=r["pages_fetched"], pages_rendered=r["pages_rendered"],
                              error=r["error"] or ""),
                rules=RulesInfo(year=run.rules_year, items=r["rules_items"], provisional=r["rules_provisional"]),
                as_of=r["site_as_of"],
                score=r["score"], band=r["band"], items=items.get(r["agency_id"], []),
                failures=failures.get(r["agency_id"], []))
            out.append(AgencyResult(agency=_agency(r), result=result))
        return out

    def failures(self, run_id: int) -> dict[str, list[Failure]]:
        out: dict[str, list[Failure]] = {}
        for r in self.db.execute("SELECT * FROM failures WHERE run_id=? ORDER BY rowid", (run_id,)):
            out.setdefault(r["agency_id"], []).append(Failure(url=r["url"], error=r["error"],
                                                              http_status=r["http_status"]))
        return out


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error (autocommit connection otherwise)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _agency(row: sqlite3.Row) -> Agency:
    return Agency(id=row["agency_id"], name=row["name"], url=row["url"], province=row["province"] or "",
                  district=row["district"] or "", type=row["type"] or "", extra=json.loads(row["extra"] or "{}"))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
