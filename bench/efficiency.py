"""Focused crawl versus a full breadth-first crawl: requests until every item has its final answer.

    python bench/efficiency.py [--albums 300]

Sites: the bundled farm and the holdout farm (tests/farms/holdout), each as it is and with a
photo archive added to every site (bench/bulk.py; real agency sites are mostly archive). Both
crawls use the project spider with the same classifier, rules and evaluation (bench/spiders.py):
the focused one as shipped (budget OIT_MAX_PAGES), the breadth-first one following every in-site
page and document first-in first-out, never stopping early, with the page budget lifted so it
is a full crawl. After every response each site is evaluated as if the crawl stopped there;
an item's answer is final from the response after which its status no longer changes.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import common
from bulk import with_archive
from crawl import run_crawl
from farmserver import served, site_ids

FULL = {"OIT_MAX_PAGES": 5000}  # a full crawl: no page budget cuts it


def _compare(name: str, farm: Path) -> dict:
    runs = {}
    with served(farm, site_ids(farm)) as bases:
        for spider, extra in (("focused", {}), ("bfs", FULL)):
            runs[spider] = run_crawl(spider, bases, common.OUT / f"efficiency-{name}-{spider}.json",
                                     farm / "truth.json", {**common.FAST, **extra})
    b = runs["bfs"]["per_site"]
    row = {"farm": name, "sites": len(b)}
    for spider in runs:
        per_site = runs[spider]["per_site"]
        final = [s["final_at"] for s in per_site.values()]
        total = [s["responses"] for s in per_site.values()]
        acc = runs[spider]["site_accuracy"].values()
        row[spider] = {"final_median": common.median(final), "final_p95": round(common.pct(final, 95), 1),
                       "final_sum": sum(final), "total_sum": sum(total),
                       "total_median": common.median(total),
                       "accuracy": runs[spider]["accuracy"]["status_accuracy"],
                       "site_accuracy_median": round(common.median(acc), 4), "site_accuracy_min": round(min(acc), 4)}
    f = runs["focused"]["per_site"]
    ratios = [f[s]["final_at"] / b[s]["final_at"] for s in f if b[s]["final_at"]]
    row["focused"].update(ratio_final=round(row["focused"]["final_sum"] / row["bfs"]["final_sum"], 3),
                          ratio_final_site_median=round(common.median(ratios), 3),
                          ratio_total=round(row["focused"]["total_sum"] / row["bfs"]["total_sum"], 3),
                          last_items={sid: s["last_items"] for sid, s in f.items()})
    return row


def run(albums: int = 300) -> dict:
    started = time.monotonic()
    rows = []
    for name, src in (("samples", common.SAMPLES), ("holdout", common.HOLDOUT)):
        rows.append(_compare(name, src))
        rows.append(_compare(f"{name}+archive", with_archive(src, common.OUT / f"farm-{name}-archive", albums)))
    return {"albums": albums, "rows": rows, "seconds": round(time.monotonic() - started, 1)}


def report(out: dict) -> None:
    print("requests until every item has its final answer per site (median / p95 / sum), all requests "
          "(sum), status accuracy; ratios to the breadth-first crawl")
    for r in out["rows"]:
        for spider in ("focused", "bfs"):
            x = r[spider]
            ratios = f"  ratio {x['ratio_final']:.2f} (all requests {x['ratio_total']:.2f})" if spider != "bfs" else ""
            print(f"  {r['farm']:<16} {spider:<9} {x['final_median']:g} / {x['final_p95']:g} / {x['final_sum']}"
                  f"  all {x['total_sum']}  accuracy {x['accuracy']:.3f}{ratios}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--albums", type=int, default=300, help="photo albums added per site")
    args = p.parse_args(argv)
    out = run(args.albums)
    common.save("efficiency", out)
    report(out)
    print(f"efficiency: {out['seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
