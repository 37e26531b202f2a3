"""What the benchmark scripts share: paths, crawl settings, statistics, the machine."""
from __future__ import annotations

import contextlib
import csv
import json
import os
import platform
import statistics
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"  # farms, per-crawl JSON and each script's figures (not kept in git)
OUT.mkdir(exist_ok=True)
SAMPLES = ROOT / "samples" / "farm"
HOLDOUT = ROOT / "tests" / "farms" / "holdout"
sys.path[:0] = [str(ROOT), str(HERE)]

# Politeness delays lifted (same for every spider compared): a loopback farm is no agency server.
FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR"}
POLITE = {"LOG_LEVEL": "ERROR"}  # crawler/settings.py as shipped: what the nightly job runs with


def pct(values, q: float) -> float:
    """The q-th percentile (0-100), linear between ranks."""
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def save(name: str, data: dict) -> Path:
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    return path


def load(name: str) -> dict | None:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def agency_list(bases: dict[str, str], work: Path) -> Path:
    """`work/agencies.csv` naming each served site (site id, URL) as an agency of one province."""
    work.mkdir(parents=True, exist_ok=True)
    path = work / "agencies.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "url", "province", "district", "type"])
        writer.writerows([sid, url, "ขอนแก่น", "เมืองขอนแก่น", "อบต."] for sid, url in bases.items())
    return path


def machine() -> dict:
    """The machine the figures come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    import scrapy
    import twisted

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / 1024 ** 2, 1),
            "os": platform.platform(), "python": platform.python_version(),
            "scrapy": scrapy.__version__, "twisted": twisted.__version__,
            "load_average": [round(x, 2) for x in os.getloadavg()]}


class TreeMemory:
    """Peak resident memory of processes and all their descendants, sampled every second."""

    def __init__(self, *pids: int):
        self.pids, self.peak, self.stop = pids, 0, threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        pids, todo = [], list(self.pids)
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in (task / "children").read_text().split()]
        return pids

    def _watch(self):
        while not self.stop.wait(1.0):
            total = 0
            for pid in self._tree():
                with contextlib.suppress(OSError, StopIteration):
                    total += int(next(line.split()[1] for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                                      if line.startswith("VmRSS")))
            self.peak = max(self.peak, total)

    def close(self) -> float:
        self.stop.set()
        self.thread.join()
        return round(self.peak / 1024, 1)
