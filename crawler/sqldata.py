"""The history: runs, agencies, item results, evidence and failures, through SQLAlchemy Core.

One SQLite data file by default (WAL mode), or a shared PostgreSQL database (`--db
postgresql://...`). The schema is Alembic's migration chain (crawler/migrations), applied on
open; files of the first versions (a `meta` table) are upgraded in place. Each agency's result
is written in one transaction, and a run is marked complete only at its end, so a run killed
half-way shows nothing half-written: reports read complete runs only, and the run can be resumed.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import event, func, select

from .models import (Agency, AgencyResult, CheckResult, Evidence, Failure, ItemResult, Run, RulesInfo,
                     SiteInfo, Status)

MIGRATIONS = Path(__file__).with_name("migrations")
_LEGACY = {1: "0001", 2: "0002", 3: "0003"}  # meta.schema_version of the first files -> revision

# the tables as the migration chain leaves them (plain types: the same in SQLite and PostgreSQL)
_meta = sa.MetaData()
_T, _I, _F = sa.Text, sa.Integer, sa.Float
agencies = sa.Table("agencies", _meta, sa.Column("id", _T, primary_key=True), sa.Column("name", _T),
                    sa.Column("url", _T), sa.Column("province", _T), sa.Column("district", _T),
                    sa.Column("type", _T), sa.Column("extra", _T))
runs = sa.Table("runs", _meta, sa.Column("id", _I, primary_key=True), sa.Column("started", _T),
                sa.Column("finished", _T), sa.Column("status", _T), sa.Column("rules_year", _I),
                sa.Column("as_of", _T), sa.Column("source", _T))
run_agencies = sa.Table("run_agencies", _meta, sa.Column("run_id", _I, primary_key=True),
                        sa.Column("agency_id", _T, primary_key=True), sa.Column("name", _T), sa.Column("url", _T),
                        sa.Column("province", _T), sa.Column("district", _T), sa.Column("type", _T),
                        sa.Column("extra", _T), sa.Column("position", _I))
site_results = sa.Table("site_results", _meta, sa.Column("run_id", _I, primary_key=True),
                        sa.Column("agency_id", _T, primary_key=True), sa.Column("url", _T), sa.Column("status", _T),
                        sa.Column("pages_fetched", _I), sa.Column("error", _T), sa.Column("score", _F),
                        sa.Column("band", _T), sa.Column("as_of", _T), sa.Column("rules_items", _I),
                        sa.Column("finished", _T), sa.Column("pages_rendered", _I),
                        sa.Column("rules_provisional", _I))
item_results = sa.Table("item_results", _meta, sa.Column("run_id", _I, primary_key=True),
                        sa.Column("agency_id", _T, primary_key=True), sa.Column("code", _T, primary_key=True),
                        sa.Column("position", _I), sa.Column("name", _T), sa.Column("status", _T),
                        sa.Column("reason", _T), sa.Column("years_seen", _T), sa.Column("years_needed", _T),
                        sa.Column("hint", _T), sa.Column("previous", _T))
evidence = sa.Table("evidence", _meta, sa.Column("run_id", _I, primary_key=True),
                    sa.Column("agency_id", _T, primary_key=True), sa.Column("code", _T, primary_key=True),
                    sa.Column("position", _I, primary_key=True), sa.Column("url", _T), sa.Column("text", _T),
                    sa.Column("years", _T))
failures = sa.Table("failures", _meta, sa.Column("run_id", _I), sa.Column("agency_id", _T), sa.Column("url", _T),
                    sa.Column("error", _T), sa.Column("http_status", _I), sa.Column("position", _I))
_RESULT_TABLES = (site_results, item_results, evidence, failures)


def is_server(db: str | Path) -> bool:
    """Is the history a database server (a postgresql:// URL) rather than an SQLite file?"""
    return str(db).startswith(("postgresql://", "postgres://", "postgresql+psycopg://"))


def engine_for(db: str | Path) -> sa.Engine:
    """An engine for a history: a file path (SQLite) or a postgresql:// URL."""
    text = str(db)
    if is_server(text):
        url = sa.make_url(text).set(drivername="postgresql+psycopg")
        return sa.create_engine(url, pool_pre_ping=True)
    path = Path(text)
    path.parent.mkdir(parents=True, exist_ok=True)  # a fresh machine has no out/ yet
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi, _):
        dbapi.isolation_level = None  # the transactions are ours: BEGIN IMMEDIATE below
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            dbapi.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn):  # take the write lock at once: a reader never upgrades into a deadlock
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class DataStore:
    def __init__(self, db: str | Path):
        self.path = str(db)  # what --db said: shown in messages, handed to crawl processes
        self.engine = engine_for(db)
        self._migrate()

    def close(self) -> None:
        self.engine.dispose()

    def _migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        scripts = ScriptDirectory.from_config(config)
        head = scripts.get_current_head()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one process migrates, the others wait and see head
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(20250320)"))
            current = MigrationContext.configure(conn).get_current_revision()
            if current is None and sa.inspect(conn).has_table("meta"):  # a file of the first versions
                version = int(conn.execute(sa.text("SELECT value FROM meta WHERE key='schema_version'")).scalar())
                if version not in _LEGACY:
                    raise RuntimeError(f"{self.path}: written by a newer oit (schema {version}); upgrade oit")
                config.attributes["connection"] = conn
                command.stamp(config, _LEGACY[version])
                current = _LEGACY[version]
            if current is not None and current != head:
                try:
                    scripts.get_revision(current)
                except CommandError:  # a revision this oit does not have
                    raise RuntimeError(f"{self.path}: written by a newer oit (schema {current}); upgrade oit")
            if current != head:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    def revision(self) -> str | None:
        """The schema revision of the history (Alembic's)."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    # ------------------------------------------------------------ writing a run

    def start_run(self, rules_year: int, as_of: dt.date, agency_list: list[Agency], source: str = "") -> Run:
        with self.engine.begin() as conn:
            run_id = conn.execute(runs.insert().values(started=_now(), status="running", rules_year=rules_year,
                                                       as_of=as_of.isoformat(), source=source)
                                  .returning(runs.c.id)).scalar_one()
            rows = [dict(id=a.id, name=a.name, url=a.url, province=a.province, district=a.district, type=a.type,
                         extra=json.dumps(a.extra, ensure_ascii=False)) for a in agency_list]
            if rows:
                upsert = _insert(conn)(agencies)
                conn.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={
                    c: upsert.excluded[c] for c in ("name", "url", "province", "district", "type", "extra")}), rows)
                conn.execute(run_agencies.insert(), [
                    {"run_id": run_id, "agency_id": r["id"], "position": n,
                     **{k: v for k, v in r.items() if k != "id"}} for n, r in enumerate(rows)])
        return self.run(run_id)

    def record(self, run_id: int, agency_id: str, result: CheckResult) -> bool:
        """Store one agency's result, all or nothing (a rerun of the agency replaces it). Only
        into a run still running (False: a batch sent twice, late after the run was finished)."""
        with self.engine.begin() as conn:
            status = conn.execute(select(runs.c.status).where(runs.c.id == run_id).with_for_update()).scalar()
            if status != "running":
                return False
            for table in _RESULT_TABLES:
                conn.execute(table.delete().where(table.c.run_id == run_id, table.c.agency_id == agency_id))
            key = {"run_id": run_id, "agency_id": agency_id}
            s = result.site
            conn.execute(site_results.insert().values(
                **key, url=s.url, status=s.status, pages_fetched=s.pages_fetched, error=s.error, score=result.score,
                band=result.band, as_of=result.as_of.isoformat(), rules_items=result.rules.items, finished=_now(),
                pages_rendered=s.pages_rendered, rules_provisional=int(result.rules.provisional)))
            conn.execute(item_results.insert(), [
                {**key, "code": i.code, "position": n, "name": i.name, "status": i.status.value, "reason": i.reason,
                 "years_seen": json.dumps(i.years_seen), "years_needed": json.dumps(i.years_needed), "hint": i.hint,
                 "previous": json.dumps(i.previous)} for n, i in enumerate(result.items)])
            found = [{**key, "code": i.code, "position": n, "url": e.url, "text": e.text, "years": json.dumps(e.years)}
                     for i in result.items for n, e in enumerate(i.evidence)]
            if found:
                conn.execute(evidence.insert(), found)
            if result.failures:
                conn.execute(failures.insert(), [{**key, "url": f.url, "error": f.error, "http_status": f.http_status,
                                                  "position": n} for n, f in enumerate(result.failures)])
        return True

    def finish_run(self, run_id: int) -> Run:
        with self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(status="complete", finished=_now()))
        return self.run(run_id)

    # ------------------------------------------------------------ reading

    def _rows(self, query) -> list[sa.RowMapping]:
        with self.engine.connect() as conn:
            return list(conn.execute(query).mappings())

    def run(self, run_id: int) -> Run:
        n = select(func.count()).where(run_agencies.c.run_id == runs.c.id).scalar_subquery()
        rows = self._rows(select(runs, n.label("n")).where(runs.c.id == run_id))
        if not rows:
            raise LookupError(f"no run {run_id} in {self.path}")
        r = rows[0]
        return Run(id=r["id"], started=r["started"], finished=r["finished"], status=r["status"],
                   rules_year=r["rules_year"], as_of=r["as_of"], agencies=r["n"])

    def runs(self, complete: bool = True) -> list[Run]:
        query = select(runs.c.id).order_by(runs.c.id)
        if complete:
            query = query.where(runs.c.status == "complete")
        return [self.run(r["id"]) for r in self._rows(query)]

    def unfinished_run(self) -> Run | None:
        """The newest run that was stopped before its end, if it is the newest run of all."""
        rows = self._rows(select(runs.c.id, runs.c.status).order_by(runs.c.id.desc()).limit(1))
        return self.run(rows[0]["id"]) if rows and rows[0]["status"] == "running" else None

    def run_agencies(self, run_id: int) -> list[Agency]:
        return [_agency(r) for r in self._rows(select(run_agencies).where(run_agencies.c.run_id == run_id)
                                               .order_by(run_agencies.c.position))]

    def done(self, run_id: int) -> set[str]:
        return {r["agency_id"] for r in self._rows(select(site_results.c.agency_id)
                                                   .where(site_results.c.run_id == run_id))}

    def tally(self, run_id: int) -> tuple[list[tuple[float, str]], Counter]:
        """Each site's (score, status) and the item status counts of a run: a summary of thousands
        of agencies without loading their results."""
        sites = [(r["score"], r["status"]) for r in self._rows(
            select(site_results.c.score, site_results.c.status).where(site_results.c.run_id == run_id))]
        counts = Counter({Status(r["status"]): r["n"] for r in self._rows(
            select(item_results.c.status, func.count().label("n")).where(item_results.c.run_id == run_id)
            .group_by(item_results.c.status))})
        return sites, counts

    def results(self, run_id: int) -> list[AgencyResult]:
        run = self.run(run_id)
        failed = self.failures(run_id)
        items: dict[str, list[ItemResult]] = {}
        found: dict[tuple[str, str], list[Evidence]] = {}
        e = evidence.c
        for r in self._rows(select(evidence).where(e.run_id == run_id).order_by(e.agency_id, e.code, e.position)):
            found.setdefault((r["agency_id"], r["code"]), []).append(
                Evidence(url=r["url"], text=r["text"] or "", years=json.loads(r["years"] or "[]")))
        i = item_results.c
        for r in self._rows(select(item_results).where(i.run_id == run_id).order_by(i.agency_id, i.position)):
            items.setdefault(r["agency_id"], []).append(ItemResult(
                code=r["code"], name=r["name"], status=Status(r["status"]), reason=r["reason"],
                evidence=found.get((r["agency_id"], r["code"]), []), hint=r["hint"] or "",
                years_seen=json.loads(r["years_seen"] or "[]"), years_needed=json.loads(r["years_needed"] or "[]"),
                previous=json.loads(r["previous"] or "[]")))
        a, s = run_agencies.c, site_results.c
        query = (select(run_agencies, s.url.label("site_url"), s.status.label("site_status"), s.pages_fetched,
                        s.pages_rendered, s.error, s.score, s.band, s.as_of.label("site_as_of"), s.rules_items,
                        s.rules_provisional)
                 .join(site_results, sa.and_(s.run_id == a.run_id, s.agency_id == a.agency_id))
                 .where(a.run_id == run_id).order_by(a.position))
        out = []
        for r in self._rows(query):
            result = CheckResult(
                site=SiteInfo(id=r["agency_id"], url=r["site_url"], status=r["site_status"],
                              pages_fetched=r["pages_fetched"], pages_rendered=r["pages_rendered"],
                              error=r["error"] or ""),
                rules=RulesInfo(year=run.rules_year, items=r["rules_items"], provisional=r["rules_provisional"]),
                as_of=r["site_as_of"], score=r["score"], band=r["band"], items=items.get(r["agency_id"], []),
                failures=failed.get(r["agency_id"], []))
            out.append(AgencyResult(agency=_agency(r), result=result))
        return out

    def failures(self, run_id: int) -> dict[str, list[Failure]]:
        out: dict[str, list[Failure]] = {}
        f = failures.c
        for r in self._rows(select(failures).where(f.run_id == run_id).order_by(f.agency_id, f.position)):
            out.setdefault(r["agency_id"], []).append(Failure(url=r["url"], error=r["error"],
                                                              http_status=r["http_status"]))
        return out


def _insert(conn):
    """The dialect's INSERT, which has ON CONFLICT DO UPDATE (SQLite and PostgreSQL alike)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _agency(row) -> Agency:
    return Agency(id=row["agency_id"], name=row["name"], url=row["url"], province=row["province"] or "",
                  district=row["district"] or "", type=row["type"] or "", extra=json.loads(row["extra"] or "{}"))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
