"""`oit eval FARM`: crawl a labelled farm and score the results against its truth.json."""
from __future__ import annotations

from collections import Counter
from urllib.parse import unquote, urlparse

from .models import CheckResult, FarmTruth, Status
from .urls import page_url


def _same_evidence(ours: str, truth: str) -> bool:
    """Truth URLs are site paths ("/ita/o1.html") or absolute URLs for other hosts; a fragment
    ("#gid=0") names a part of the same document, a hash route ("#/ita") a page of its own."""
    ours, truth = unquote(page_url(ours)), unquote(page_url(truth))  # Thai file names either way
    if urlparse(truth).scheme:
        return ours.rstrip("/") == truth.rstrip("/")
    parsed = urlparse(ours)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "") + \
        (f"#{parsed.fragment}" if parsed.fragment else "")
    return path == truth or path.rstrip("/") == truth.rstrip("/") or \
        (truth.endswith("/") and path in (truth + "index.html", truth + "index.htm"))


def score(truth: FarmTruth, results: dict[str, CheckResult]) -> dict:
    """Status accuracy, per-item precision/recall of `found`, evidence accuracy, and mismatches."""
    total = right = found_as_missing = evidence_ok = evidence_n = 0
    confusion: Counter[tuple[str, str]] = Counter()
    per_item: dict[str, Counter] = {}
    per_site: dict[str, dict] = {}
    mismatches = []
    for sid, site in truth.sites.items():
        result = results.get(sid)
        ours = {i.code: i for i in result.items} if result else {}
        per_site[sid] = {"right": 0, "items": len(site.items),
                         "pages_fetched": result.site.pages_fetched if result else 0,
                         "pages_rendered": result.site.pages_rendered if result else 0}
        for code, t in site.items.items():
            mine = ours.get(code)
            got = mine.status if mine else Status.unverified
            total += 1
            right += got is t.status
            per_site[sid]["right"] += got is t.status
            confusion[(t.status.value, got.value)] += 1
            c = per_item.setdefault(code, Counter())
            c["tp"] += got is Status.found and t.status is Status.found
            c["fp"] += got is Status.found and t.status is not Status.found
            c["fn"] += got is not Status.found and t.status is Status.found
            c["right"] += got is t.status
            c["n"] += 1
            found_as_missing += t.status is Status.found and got is Status.missing
            if got is t.status and t.urls and mine:
                evidence_n += 1
                evidence_ok += any(_same_evidence(e.url, u) for e in mine.evidence for u in t.urls)
            if got is not t.status or (t.urls and mine and got is t.status and not any(
                    _same_evidence(e.url, u) for e in mine.evidence for u in t.urls)):
                mismatches.append({"site": sid, "code": code, "truth": t.status.value, "got": got.value,
                                   "reason": mine.reason if mine else "no result",
                                   "evidence": [e.url for e in mine.evidence] if mine else [],
                                   "truth_urls": t.urls})
    items = {code: {"precision": _ratio(c["tp"], c["tp"] + c["fp"]),
                    "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
                    "accuracy": _ratio(c["right"], c["n"])} for code, c in per_item.items()}
    return {"sites": len(truth.sites), "items_total": total,
            "status_accuracy": _ratio(right, total),
            "found_reported_missing": found_as_missing,
            "evidence_accuracy": _ratio(evidence_ok, evidence_n),
            "per_item": dict(sorted(items.items(), key=lambda kv: _code_key(kv[0]))),
            "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())},
            "pages_fetched": sum(r.site.pages_fetched for r in results.values()),
            "pages_rendered": sum(r.site.pages_rendered for r in results.values()),
            "per_site": {sid: {"status_accuracy": _ratio(s.pop("right"), s.pop("items")), **s}
                         for sid, s in per_site.items()},
            "mismatches": mismatches}


def _code_key(code: str) -> tuple[str, int]:
    prefix = code.rstrip("0123456789")
    return prefix, int(code[len(prefix):] or 0)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None
