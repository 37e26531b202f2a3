"""Where CPU time goes per page: cProfile over a crawl of the bundled farm, results stored.

    python bench/profile_crawl.py [--farm samples/farm] [--repeat 3] [--json OUT]

The farm is served by bench/farmserver.py in its own process, so only the crawler is profiled.
The crawl runs through `crawler.runner.run` with the SQLite history on, like `oit crawl`; the
profiler counts CPU time (time spent waiting for the server is not a cost of the crawler).
Time is attributed by the inclusive time of the pipeline's stages, which the spider calls one
after the other (none calls another): extract (`extract.read`, with decoding as part of it),
classify (`classify.read` and `classify.follow`), evaluate (`evaluate.found_items`: the "is every
item answered?" check every few pages, and `evaluate.evaluate`: the result), store
(`DataStore.record`). What is left is fetching: Scrapy, Twisted, HTTP, the middlewares and the
spider's own bookkeeping.
`--repeat` crawls the farm that many times in one process (more samples, same proportions).
The crawler reads documents (PDF, XLS(X), DOC(X)) in a worker process, in parallel with the
crawl; here they are read in the profiled process, so that every stage of a page is counted.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from farmserver import NETWORK, served, site_ids  # noqa: E402

# stage -> functions (file suffix, function name) whose inclusive time is that stage's
STAGES = {
    "extract": [("crawler/extract.py", "read")],
    "  of which decode": [("crawler/decode.py", "decode_html")],
    "  of which HTML tree and links": [("crawler/extract.py", "_html")],
    "  of which PDF": [("crawler/documents.py", "pdf")],
    "  of which XLSX, XLS, DOCX, DOC": [("crawler/documents.py", name) for name in ("xlsx", "xls", "docx", "doc")],
    "classify": [("crawler/classify.py", "read"), ("crawler/classify.py", "follow")],
    "evaluate": [("crawler/evaluate.py", "evaluate"), ("crawler/evaluate.py", "found_items")],
    "store": [("crawler/sqldata.py", "record")],
}
TOP_LEVEL = ("extract", "classify", "evaluate", "store")


def _inclusive(stats: pstats.Stats, funcs) -> float:
    total = 0.0
    for (path, _, name), (_, _, _, cumtime, _) in stats.stats.items():
        if any(path.endswith(suffix) and name == fn for suffix, fn in funcs):
            total += cumtime
    return total


def profile(farm: Path, repeat: int = 1) -> dict:
    os.environ["OIT_ALLOW_NETWORKS"] = NETWORK
    from crawler import rules as rules_mod
    from crawler.evaluate import as_of_for
    from crawler.farm import load_truth
    from crawler.models import Agency
    from crawler.runner import run
    from crawler.sqldata import DataStore

    truth = load_truth(farm)
    rules = rules_mod.load(truth.rules)
    ids = site_ids(farm)
    prof = cProfile.Profile(time.process_time)  # CPU time: waiting for the server is not a cost
    with served(farm, ids) as bases, tempfile.TemporaryDirectory() as tmp:
        store = DataStore(Path(tmp) / "history.sqlite")
        runs = [store.start_run(rules.year, as_of_for(rules, truth.as_of),
                                [Agency(id=sid, name=sid, url=url) for sid, url in bases.items()]).id
                for _ in range(repeat)]
        store.close()
        for run_id in runs:  # a CrawlerProcess runs once per process: a new process per repeat
            pid = os.fork()
            if pid == 0:
                from crawler import extract, workers

                async def inline(self, url, content_type, body, ocr):
                    return extract.read(url, content_type, body, ocr)
                workers.DocumentWorkers.read = inline  # one process: the profile sees documents too
                prof.enable()
                results = run(list(bases.items()), rules, truth.as_of,
                              {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR",
                               "OIT_DB": str(Path(tmp) / "history.sqlite"), "OIT_RUN_ID": run_id})
                prof.disable()
                prof.dump_stats(Path(tmp) / f"prof-{run_id}")
                (Path(tmp) / f"pages-{run_id}").write_text(str(sum(r.site.pages_fetched for r in results.values())))
                os._exit(0)
            os.waitpid(pid, 0)
        stats = pstats.Stats(*(str(Path(tmp) / f"prof-{r}") for r in runs))
        pages = sum(int((Path(tmp) / f"pages-{r}").read_text()) for r in runs)
    total = stats.total_tt
    stages = {name: _inclusive(stats, funcs) for name, funcs in STAGES.items()}
    stages["fetch, Scrapy/Twisted, spider"] = total - sum(stages[s] for s in TOP_LEVEL)
    top = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:15]
    return {
        "farm": str(farm), "sites": len(ids), "pages": pages, "repeat": repeat,
        "profiled_seconds": round(total, 2),
        "ms_per_page": {k: round(1000 * v / pages, 2) for k, v in stages.items()},
        "share": {k: round(v / total, 3) for k, v in stages.items()},
        "total_ms_per_page": round(1000 * total / pages, 2),
        "top_functions": [{"function": f"{Path(path).name}:{line}({name})", "calls": nc,
                           "own_ms_per_page": round(1000 * tt / pages, 3),
                           "inclusive_ms_per_page": round(1000 * ct / pages, 3)}
                          for (path, line, name), (_, nc, tt, ct, _) in top],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--farm", type=Path, default=HERE.parent / "samples" / "farm")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    out = profile(args.farm, args.repeat)
    print(f"profile: {out['pages']} pages, {out['total_ms_per_page']} ms per page under cProfile")
    for stage, ms in out["ms_per_page"].items():
        print(f"  {stage:<32} {ms:7.2f} ms/page  {100 * out['share'][stage]:5.1f}%")
    print("  top functions by own time (ms/page):")
    for f in out["top_functions"]:
        print(f"    {f['own_ms_per_page']:7.3f}  {f['function']}  ({f['calls']} calls)")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
