"""Run every benchmark and write bench/RESULTS.md.

    python bench/run_all.py            # all of them (about an hour and a half on 2 cores)
    python bench/run_all.py --report   # only rewrite RESULTS.md from bench/out/*.json

Each script runs in a process of its own and prints its figures; their JSON lands in bench/out/.
"""
from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time

import common

SCRIPTS = ("accuracy", "profile_crawl", "efficiency", "throughput", "memory", "nationwide")


def run_scripts(failed: list[str]) -> dict:
    seconds = {}
    for name in SCRIPTS:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        args = ["--json", str(common.OUT / "profile.json")] if name == "profile_crawl" else []
        code = subprocess.run([sys.executable, str(common.HERE / f"{name}.py"), *args]).returncode
        seconds[name] = round(time.monotonic() - started)
        if code:  # the other benchmarks still run; RESULTS.md names the one that failed
            failed.append(name)
    return seconds


def _f(x, digits=1) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _table(header: list[str], rows: list[list]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(str(c) for c in row) + " |" for row in rows)]


def report(meta: dict) -> str:
    m = meta["machine"]
    lines = ["# Benchmark results", "",
             f"Written by `python bench/run_all.py` (`make bench`) on {meta['date']}; "
             f"how to read them: [README.md](README.md).", "",
             "## Machine", "",
             f"- {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; {m['os']}",
             f"- Python {m['python']}, Scrapy {m['scrapy']}, Twisted {m['twisted']}",
             f"- Load average (1, 5, 15 min) before: {m['load_average']}, after: {meta['load_after']}. "
             "The machine is shared: absolute figures are noisy; each ratio compares runs made back to back "
             "in the same run."]
    if meta.get("seconds"):
        total = sum(meta["seconds"].values())
        lines += ["- Durations: " + ", ".join(f"{k} {v // 60}m{v % 60:02d}s" for k, v in meta["seconds"].items())
                  + f"; total {total // 60}m{total % 60:02d}s"]
    if meta.get("note"):
        lines += [f"- {meta['note']}"]
    if meta.get("failed"):
        lines += [f"- **Failed** (see the run's output): {', '.join(meta['failed'])}"]
    lines += _targets() + _throughput() + _efficiency() + _memory() + _accuracy() + _profile() + _nationwide()
    notes = common.HERE / "notes.md"  # what the figures mean and what was done about them, by hand
    if notes.is_file():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def _met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def _targets() -> list[str]:
    """The targets of the issues, judged on this run's figures."""
    rows = []
    t, e, mem = common.load("throughput"), common.load("efficiency"), common.load("memory")
    if t:
        for mode, r in t["modes"].items():
            rows.append([f"throughput, {mode}: project / bare ≥ 0.7", f"{r['ratio']:.2f}", _met(r["ratio"] >= 0.7)])
    if e:
        large = [r for r in e["rows"] if r["farm"].endswith("+archive")]
        bfs_all = sum(r["bfs"]["total_sum"] for r in large)
        bfs_acc = min(r["bfs"]["accuracy"] for r in large)
        share = sum(r["focused"]["total_sum"] for r in large) / bfs_all
        final = sum(r["focused"]["final_sum"] for r in large) / sum(r["bfs"]["final_sum"] for r in large)
        acc_ok = all(r["focused"]["accuracy"] >= r["bfs"]["accuracy"] for r in large)
        rows.append(["focused crawl: ≤ 30% of breadth-first requests, accuracy ≥ (large sites)",
                     f"{share:.2f} of all requests ({final:.2f} to final answers); accuracy "
                     f"{min(r['focused']['accuracy'] for r in large):.3f} vs {bfs_acc:.3f}",
                     _met(share <= 0.3 and acc_ok)])
    n = common.load("nationwide")
    if n and "one_machine" in n:
        rows.append([f"nationwide: 8,317 agencies ≤ 2 h on this machine, shipped defaults, {n['latency']:g} s latency",
                     f"{n['hours_8317']:.2f} h ({n['one_machine']['agencies']:,} agencies measured)",
                     _met(n["hours_8317"] <= 2)])
    if n and n.get("fleet"):
        rows.append(["fleet: two workers ≈ 2 × one (agencies per hour)", f"{n['fleet']['ratio']:.2f}x",
                     _met(n["fleet"]["ratio"] >= 1.7)])
    if mem:
        last, first = mem["rows"][-1]["sites"], mem["rows"][0]["sites"]
        rows.append([f"memory: {last:,} sites ≤ 1.5 × {first:,} sites (`oit crawl`)", f"{mem['growth']:.2f}x",
                     _met(mem["growth"] <= 1.5)])
    return ["", "## Targets", "", *_table(["target", "measured", ""], rows)] if rows else []


def _throughput() -> list[str]:
    t = common.load("throughput")
    if not t:
        return []
    rows = []
    labels = {"oit": "project (`crawler.runner.run`)", "bare": "bare Scrapy CrawlSpider"}
    for mode, r in t["modes"].items():
        for spider, label in labels.items():
            x = r.get(spider)
            if x is None:
                continue
            ratio = x["pages_per_second"] / r["bare"]["pages_per_second"]
            rows.append([mode, label, f"{x['responses']:,}", _f(x["crawl_seconds"]), f"**{_f(x['pages_per_second'])}**",
                         _f(x["cpu_ms_per_page"], 2), _pct(x["cpu_share"]), _f(x["peak_rss_mb"]),
                         _pct(x.get("status_accuracy")), ", ".join(f"{k} {v}" for k, v in x.get("site_status", {}).items()),
                         f"**{ratio:.2f}**" if spider != "bare" else ""])
    return ["", "## Throughput", "",
            f"A generated farm of {t['sites']} realistic sites (`samples/generate.py --sites {t['sites']} --seed "
            f"{t['seed']}`), served by `bench/farmserver.py` (one asyncio process, one loopback address per site), "
            "crawled by each spider in its own process with the same Scrapy settings (`crawler/settings.py`: 32 "
            "requests at once, 2 per site, robots.txt obeyed). `polite`: the settings as shipped (DOWNLOAD_DELAY "
            "0.1 s and AutoThrottle), what the nightly job runs with. `fast`: **the politeness delays lifted for "
            "both spiders equally** (DOWNLOAD_DELAY 0, AutoThrottle off), so each is bound by its own CPU. "
            "Pages/s = responses / Scrapy's crawl time.", "",
            *_table(["mode", "spider", "pages", "seconds", "pages/s", "CPU ms/page", "CPU use", "peak RSS MB",
                     "status accuracy", "sites", "ratio to bare"], rows), "",
            "Status accuracy: the project's results against the farm's truth.json; sites: `ok`, or `partial` "
            "when a page or time budget cut the site (its unanswered items become `unverified`)."]


def _efficiency() -> list[str]:
    e = common.load("efficiency")
    if not e:
        return []
    names = {"focused": "focused", "bfs": "breadth-first, full"}
    rows = []
    for r in e["rows"]:
        for spider in ("focused", "bfs"):
            x = r[spider]
            rows.append([r["farm"], r["sites"], names[spider], _f(x["final_median"]), _f(x["final_p95"]),
                         f"{x['final_sum']:,}", f"{x['total_sum']:,}",
                         f"{x['ratio_final']:.2f} / {x['ratio_total']:.2f}" if spider != "bfs" else "1 / 1",
                         _pct(x["accuracy"]), f"{_pct(x['site_accuracy_median'])} / {_pct(x['site_accuracy_min'])}"])
    return ["", "## Focused-crawl efficiency", "",
            "Requests per site until every item has its final answer (the status the crawl ends with), and all "
            "requests of the crawl, for the project spider as shipped and a full breadth-first crawl (the "
            "same spider and classifier, every in-site page and document first-in first-out, no early stop, "
            "page budget lifted). Farms: the bundled sample farm and the holdout farm as they are (30-70 files a "
            f"site), and each with a photo archive of {e['albums']} albums added to every site "
            "(`bench/bulk.py`: sites as large as real ones). Accuracy: item status vs truth.json.", "",
            *_table(["farm", "sites", "crawl", "to final: median", "p95", "sum", "all requests", "ratio to BFS: final / all",
                     "accuracy", "per site: median / worst"], rows)]


def _memory() -> list[str]:
    mem = common.load("memory")
    if not mem:
        return []
    rows = [[f"{r['sites']:,}", _f(r["peak_rss_mb"]), _f(r["seconds"], 0), _f(r["cpu_seconds"]), _f(r["db_mb"]),
             ", ".join(f"{k} {v}" for k, v in r["site_status"].items())] for r in mem["rows"]]
    return ["", "## Memory", "",
            f"`oit crawl --agencies FILE --db DB` (the real command, settings as shipped, SQLite history) over "
            f"small sites of {mem['pages_per_site']} pages each, one command per count; peak resident memory "
            "of its whole process tree (the command and its crawl processes), sampled each second.", "",
            *_table(["sites", "peak RSS MB", "seconds", "CPU seconds", "history MB", "sites"], rows), "",
            f"Largest / smallest: **{mem['growth']:.2f}x**."]


def _accuracy() -> list[str]:
    a = common.load("accuracy")
    if not a:
        return []
    s = a["samples"]
    rows = [[code, _pct(v["precision"]), _pct(v["recall"]), _pct(v["accuracy"])] for code, v in s["per_item"].items()]
    out = ["", "## Accuracy", "",
           f"`oit eval samples/farm`: {s['sites']} sites (the farm as it was at this run), {s['items_total']} items, "
           f"item-status accuracy **{_pct(s['status_accuracy'])}**, evidence-URL accuracy {_pct(s['evidence_accuracy'])}, "
           f"found reported missing: {s['found_reported_missing']}, pages fetched {s['pages_fetched']:,}.", "",
           *_table(["item", "precision (found)", "recall (found)", "status accuracy"], rows), ""]
    for name in ("samples", "holdout"):
        mis = a[name]["status_mismatches"]
        out.append(f"Status mismatches ({name}): " + (", ".join(f"{x['site']} {x['code']} {x['truth']}→{x['got']}"
                                                                for x in mis) or "none") + ".")
    h = a["holdout"]
    out += ["", f"Holdout farm (`tests/farms/holdout`, built without sight of the rules or code): {h['sites']} sites, "
            f"status accuracy {_pct(h['status_accuracy'])}, evidence-URL accuracy {_pct(h['evidence_accuracy'])}."]
    return out


def _profile() -> list[str]:
    p = common.load("profile")
    if not p:
        return []
    rows = [[stage.replace("  ", "&nbsp;&nbsp;"), _f(ms, 2), _pct(p["share"][stage])] for stage, ms in p["ms_per_page"].items()]
    top = [[f"`{f['function']}`", f"{f['calls']:,}", _f(f["own_ms_per_page"], 3), _f(f["inclusive_ms_per_page"], 3)]
           for f in p["top_functions"]]
    out = ["", "## Profile", "",
           f"cProfile (CPU time) over {p['repeat']} crawls of the bundled farm ({p['pages']:,} pages, SQLite "
           f"history on, farm served from another process): {_f(p['total_ms_per_page'], 2)} ms per page under the profiler "
           "(which slows Python code more than C code). Stages by inclusive time; fetch is the rest.", "",
           *_table(["stage", "ms/page", "share"], rows), "",
           "Top functions by own time:", "",
           *_table(["function", "calls", "own ms/page", "inclusive ms/page"], top)]
    return out


def _nationwide() -> list[str]:
    n = common.load("nationwide")
    if not n or "one_machine" not in n:
        return []
    header = ["run", "agencies", "hours", "agencies/hour", "pages/s", "CPU s", "peak RSS MB (all processes)",
              "status accuracy", "sites"]

    def row(label, r):
        return [label, f"{r['agencies']:,}", _f(r["hours"], 2), f"{r['agencies_per_hour']:,}", _f(r["pages_per_second"]),
                _f(r["cpu_seconds"], 0), _f(r["peak_rss_mb"]), _pct(r["status_accuracy"]),
                " ".join(f"{k} {v}" for k, v in r["site_status"].items())]

    rows = [row("one machine, `oit crawl` as shipped", n["one_machine"])]
    fleet, worker = n.get("fleet"), n.get("worker")
    if fleet:
        rows += [row(f"fleet: {k} `oit worker --concurrency 1`", r) for k, r in fleet["workers"].items()]
    if worker:
        rows.append(row("one `oit worker` as shipped (two crawl processes a core)", worker))
    return ["", "## Nationwide, against slow servers", "",
            f"`bench/nationwide.py`: generated realistic sites served with a median latency of {n['latency']:g} s "
            "(one answer in 20 after 5-20 s, one in 100 never: DOWNLOAD_TIMEOUT ends it). One machine: the real "
            "`oit crawl --agencies FILE --db DB` with the settings as shipped (a crawl process per core, open "
            "sites adapting to latency, politeness delays and AutoThrottle, robots.txt, SQLite)."
            + (f" Fleet: a real redis-server, `oit crawl --queue --batch-size {fleet['batch_size']}` and one, then "
               f"two `oit worker --concurrency 1` (one crawl process each) on {fleet['sites']:,} of the sites (small "
               "batches: several for each worker, and two workers beside the farm server not bound by this "
               "machine's two cores)." if fleet else "")
            + (f" Worker: one `oit worker` with its shipped concurrency on {worker['agencies']:,} of the sites."
               if worker else "")
            + " Peak RSS and CPU: the whole process tree (with the workers'), sampled each second.", "",
            *_table(header, rows)]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--report", action="store_true", help="only rewrite RESULTS.md from bench/out/*.json")
    args = p.parse_args(argv)
    meta = common.load("run") if args.report else None
    if meta is None:
        meta = {"machine": common.machine(), "date": dt.datetime.now().astimezone().isoformat(timespec="minutes")}
    if not args.report:
        meta["failed"] = []
        meta["seconds"] = run_scripts(meta["failed"])
        meta["load_after"] = common.machine()["load_average"]
        common.save("run", meta)
    meta.setdefault("load_after", common.machine()["load_average"])
    path = common.HERE / "RESULTS.md"
    path.write_text(report(meta), encoding="utf-8")
    print(f"wrote {path}")
    return 1 if meta.get("failed") else 0


if __name__ == "__main__":
    sys.exit(main())
