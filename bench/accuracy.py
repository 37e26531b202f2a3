"""Accuracy: `oit eval` on the bundled farm (per-item table) and on the holdout farm.

    python bench/accuracy.py

Runs the real command (`python -m crawler.cmdline eval FARM --json ...`) and keeps its metrics.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

import common


def evaluate(farm) -> dict:
    out = common.OUT / f"eval-{farm.name}.json"
    subprocess.run([sys.executable, "-m", "crawler.cmdline", "eval", str(farm), "--json", str(out)],
                   cwd=common.ROOT, check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def run() -> dict:
    started = time.monotonic()
    out = {}
    for name, farm in (("samples", common.SAMPLES), ("holdout", common.HOLDOUT)):
        m = evaluate(farm)
        out[name] = {k: m[k] for k in ("sites", "items_total", "status_accuracy", "evidence_accuracy",
                                       "found_reported_missing", "pages_fetched", "per_item", "confusion")}
        out[name]["status_mismatches"] = [{k: x[k] for k in ("site", "code", "truth", "got")}
                                          for x in m["mismatches"] if x["truth"] != x["got"]]
        print(f"accuracy: {name}: {m['sites']} sites, {m['items_total']} items, status {m['status_accuracy']:.1%}, "
              f"evidence {m['evidence_accuracy']:.1%}, found reported missing {m['found_reported_missing']}")
    out["seconds"] = round(time.monotonic() - started, 1)
    return out


def main() -> int:
    common.save("accuracy", run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
