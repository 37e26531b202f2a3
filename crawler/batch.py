"""A batch of a run's agencies, crawled in a process of its own: `python -m crawler.batch`.

Twisted's reactor cannot be started twice in a process, and one crawl process uses one core;
so `oit crawl` starts a crawl process per core, and an `oit worker` one per task. The batch
reads its job as JSON on standard input ({"db", "run", "ids", "rules", "overrides", "urls"}), takes the
run's date and agencies from the history, skips agencies already in (a batch sent twice costs
nothing), and writes each agency in its own transaction as it finishes (into a run still running:
a batch that comes after the run's end stops). When the process that started it goes away (a
worker killed with -9), the batch stops too: its agencies are sent again.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from .models import Agency
from .urls import server

_WATCH_SECONDS = 1.0  # how often a batch looks whether the process that started it is still there


def groups(agencies: list[Agency], size: int) -> list[list[str]]:
    """Agency ids in batches of about `size`, the agencies of one host always together: two
    processes never crawl the same server at once, so its politeness limits hold."""
    by_host: dict[str, list[str]] = {}
    for a in agencies:
        by_host.setdefault(server(a.url), []).append(a.id)
    out: list[list[str]] = [[]]
    for ids in by_host.values():
        if out[-1] and len(out[-1]) + len(ids) > size:
            out.append([])
        out[-1].extend(ids)
    return [ids for ids in out if ids]


def shares(agencies: list[Agency], n: int) -> list[list[str]]:
    """The agencies dealt into `n` batches of about equal size, hosts kept together."""
    hosts = sorted(groups(agencies, 1), key=len, reverse=True)  # one host a group, largest first
    out: list[list[str]] = [[] for _ in range(max(1, min(n, len(hosts))))]
    for ids in hosts:
        min(out, key=len).extend(ids)
    return out


def start(job: dict, **popen) -> subprocess.Popen:
    """Start a crawl process on `job`; it has read the job when this returns."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler.batch"], stdin=subprocess.PIPE, text=True, **popen)
    proc.stdin.write(json.dumps(job))
    proc.stdin.close()
    return proc


def main() -> int:
    from twisted.internet import task

    from . import rules as rules_mod
    from .runner import run
    from .sqldata import DataStore

    parent = os.getppid()  # before anything slow: a parent gone already must be seen as gone
    job = json.load(sys.stdin)
    store = DataStore(job["db"])
    record = store.run(job["run"])
    if record.status == "complete":  # sent again after the run was finished: nothing to do
        return 0
    wanted, done = set(job["ids"]), store.done(record.id)
    todo = [a for a in store.run_agencies(record.id) if a.id in wanted and a.id not in done]
    store.close()
    if not todo:
        return 0
    rules = rules_mod.load(job.get("rules") or str(record.rules_year))

    def watch(spider):
        def orphaned():
            if os.getppid() != parent:
                spider.logger.warning("the process that started this batch is gone: stopping")
                watcher.stop()
                spider.crawler.stop()
        watcher = task.LoopingCall(orphaned)
        watcher.start(_WATCH_SECONDS, now=False)
        spider.watcher = watcher  # held as long as the spider (signal handlers are weak references)

    overrides = {**job.get("overrides", {}), "OIT_DB": job["db"], "OIT_RUN_ID": record.id}
    urls = job.get("urls", {})  # a farm served at other ports than when the run started
    run([(a.id, urls.get(a.id, a.url)) for a in todo], rules, record.as_of, overrides, on_start=watch, keep=False,
        no_robots=[a.id for a in todo if a.extra.get("robots", "").lower() in ("ignore", "no", "0")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
