"""One crawl in a process of its own (so its CPU time and peak memory are its own).

    python bench/crawl.py SPIDER --bases BASES.json --out OUT.json [--truth truth.json] [--set K=V ...]

SPIDER: `oit` (the project, through `crawler.runner.run`), `bare` (a plain link-following
CrawlSpider), `focused` (the project spider with a trace of when each item got its final status)
or `bfs` (the same with the focus taken out). BASES maps site id -> base URL (from
bench/farmserver.py). Writes the Scrapy stats, per-site figures and, with --truth, the accuracy
(`crawler.farmeval.score`) to OUT. `run_crawl` starts it and adds the child's rusage.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPIDERS = ("oit", "bare", "focused", "bfs")


def _crawl(spider: str, sites: list[tuple[str, str]], rules, as_of, overrides: dict, keep):
    """(stats, results, spider instance); `keep(result)` is what is kept of each site's result."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.runner import run, settings

    if spider == "oit":
        held = {}
        results = run(sites, rules, as_of, overrides, on_start=lambda spider: held.setdefault("spider", spider))
        return held["spider"].crawler.stats.get_stats(), {k: keep(v) for k, v in results.items()}, held["spider"]
    from spiders import BareSpider, BfsOitSpider, TracedOitSpider

    cls = {"bare": BareSpider, "focused": TracedOitSpider, "bfs": BfsOitSpider}[spider]
    results = {}
    process = CrawlerProcess(settings(**overrides))
    crawler = process.create_crawler(cls)
    crawler.signals.connect(lambda item, response, spider: results.__setitem__(item.site.id, keep(item)),
                            signal=signals.item_scraped, weak=False)
    kwargs = {"sites": sites} if spider == "bare" else {"sites": sites, "rules": rules, "as_of": as_of}
    process.crawl(crawler, **kwargs)
    process.start()
    return crawler.stats.get_stats(), results, crawler.spider


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("spider", choices=SPIDERS)
    p.add_argument("--bases", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--truth", type=Path)
    p.add_argument("--set", action="append", default=[], metavar="K=V", help="Scrapy setting (JSON value)")
    args = p.parse_args(argv)
    sys.path[:0] = [str(HERE.parent), str(HERE)]  # the project (also when not installed) and bench/
    from farmserver import NETWORK

    os.environ["OIT_ALLOW_NETWORKS"] = NETWORK
    from crawler import rules as rules_mod
    from crawler.farm import load_truth

    truth = load_truth(args.truth.parent) if args.truth else None
    rules = rules_mod.load(truth.rules if truth else None)
    as_of = truth.as_of if truth else None
    overrides = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    sites = list(json.loads(args.bases.read_text()).items())
    started = time.monotonic()
    # without a truth to score against, only each site's status is kept: memory is the crawl's own
    keep = (lambda result: result) if truth else (lambda result: result.site.status)
    stats, results, spider = _crawl(args.spider, sites, rules, as_of, overrides, keep)
    wall = time.monotonic() - started
    out = {
        "spider": args.spider, "sites": len(sites), "wall_seconds": round(wall, 2),
        "crawl_seconds": stats.get("elapsed_time_seconds"),
        "responses": stats.get("downloader/response_count", 0),
        "requests": stats.get("downloader/request_count", 0),
        "results": len(results),
        "site_status": dict(Counter(r.site.status if truth else r for r in results.values())),  # "partial": cut
    }
    if args.spider in ("focused", "bfs"):
        out["per_site"] = {}
        for sid, _ in sites:
            settled = spider.settled.get(sid) or {"": 0}
            last = max(settled.values())
            out["per_site"][sid] = {"responses": spider.responses.get(sid, 0), "final_at": last,
                                    "last_items": sorted(code for code, at in settled.items() if at == last)}
    if truth:
        from crawler.farmeval import score

        metrics = score(truth, results)
        out["accuracy"] = {k: metrics[k] for k in ("status_accuracy", "evidence_accuracy",
                                                  "found_reported_missing", "per_item")}
        out["site_accuracy"] = {sid: s["status_accuracy"] for sid, s in metrics["per_site"].items()}
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    print(f"{args.spider}: {out['responses']} responses from {len(sites)} sites in {out['crawl_seconds']:.1f}s")
    return 0


def run_crawl(spider: str, bases: dict, out: Path, truth: Path | None = None,
              settings: dict | None = None) -> dict:
    """Run one crawl in a child process; its figures plus the child's CPU seconds and peak RSS."""
    bases_file = out.with_suffix(".bases.json")
    bases_file.write_text(json.dumps(bases))
    cmd = [sys.executable, str(HERE / "crawl.py"), spider, "--bases", str(bases_file), "--out", str(out)]
    cmd += ["--truth", str(truth)] if truth else []
    cmd += [arg for k, v in (settings or {}).items() for arg in ("--set", f"{k}={json.dumps(v)}")]
    started = time.monotonic()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage, not every child's maximum
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)}: exit status {proc.returncode}")
    data = json.loads(out.read_text())
    data.update(process_seconds=round(time.monotonic() - started, 2),
                cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
                peak_rss_mb=round(usage.ru_maxrss / 1024, 1))
    bases_file.unlink()
    return data


if __name__ == "__main__":
    sys.exit(main())
