"""One crawl over every kind of hostile site (tests/robustness/hostile_server.py) beside 20 healthy
generated agency sites, and one over the healthy sites alone: each hostile site reports exactly
what went wrong where, judges the rest of the site, reaches nothing private, and the healthy
sites' results do not change."""
from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawl_sites import answer, crawl
from hostile_server import ETHICS_TITLE, KINDS, MANUAL, PRIVATE, PRIVATE_SITE, HostileServer, expected, outcome

from crawler.farm import load_truth, serve

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "samples"))
from generate import generate  # noqa: E402

MAXSIZE = 1 << 20
# short limits keep the suite fast (the healthy sites need under 60 pages each); no Scrapy retry,
# so every extra request is the crawler's own second pass
SETTINGS = {"DOWNLOAD_TIMEOUT": 3, "DOWNLOAD_MAXSIZE": MAXSIZE, "RETRY_TIMES": 0, "OIT_MAX_PAGES": 80}
SITES = {f"hostile-{kind}": kind for kind in [*KINDS, PRIVATE_SITE]}


@dataclass
class Runs:
    mixed: dict[str, dict]  # healthy and hostile sites in one crawl
    alone: dict[str, dict]  # the healthy sites alone
    healthy: list[str]
    hits: dict[tuple[str, str], int]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Runs:
    tmp = tmp_path_factory.mktemp("hostile")
    farm = generate(tmp / "farm", 20, seed=5)
    truth = load_truth(farm)
    with serve(farm, list(truth.sites)) as healthy, HostileServer(SITES, tmp, MAXSIZE) as hostile:
        mixed, _ = crawl({**healthy, **hostile.urls}, tmp / "mixed.json", str(truth.as_of), SETTINGS)
        alone, _ = crawl(healthy, tmp / "alone.json", str(truth.as_of), SETTINGS)
        return Runs(mixed, alone, list(healthy), dict(hostile.hits))


@pytest.mark.parametrize("kind", list(SITES.values()))
def test_each_hostile_site_says_what_went_wrong_where(runs, kind):
    result, want = runs.mixed[f"hostile-{kind}"], expected(kind)
    items = {i["code"]: i for i in result["items"]}
    assert outcome(result) == want.outcome()  # site status, site error, {failed URL: class}
    if want.status == "unreachable":  # could not look: every item says why, none is "missing"
        assert {i["status"] for i in items.values()} == {"unverified"}
        assert all(want.site_error in i["reason"] for i in items.values())
        return
    # the rest of the site is still judged: the ethics page is found, with its Thai title decoded
    assert items["O16"]["status"] == "found"
    assert items["O16"]["evidence"][0]["text"] == ETHICS_TITLE
    if MANUAL in want.failures:  # the manual could not be read: said so, with the class
        assert items["O8"]["status"] == "unverified"
        assert f"({want.failures[MANUAL]})" in items["O8"]["reason"]
    elif kind == "deep":  # the manual is linked ten pages down, past the depth budget
        assert items["O8"]["status"] == "unverified"
    else:
        assert items["O8"]["status"] == "found"


def test_calendar_trap_is_cut_after_a_few_months(runs):
    from crawler.settings import OIT_MAX_QUERY_VARIANTS

    calendar = sum(n for (sid, path), n in runs.hits.items()
                   if sid == "hostile-calendar" and path.startswith("/calendar.php"))
    assert calendar == OIT_MAX_QUERY_VARIANTS + 1  # the page and its first variants, not 250 months


def test_a_site_without_end_stops_at_the_page_budget(runs):
    assert runs.mixed["hostile-endless"]["site"]["pages_fetched"] == SETTINGS["OIT_MAX_PAGES"]


@pytest.mark.parametrize("kind, path, requests", [
    # may pass later: asked once more at the end (RETRY_TIMES=0: no Scrapy retry before that)
    ("drip", MANUAL, 2), ("reset", MANUAL, 2), ("hang", "/", 2), ("empty-reply", "/", 2), ("http-500", "/", 2),
    # answers: never asked again
    ("http-403", MANUAL, 1), ("huge-length", MANUAL, 1), ("gzip-bomb", MANUAL, 1), ("redirect-chain", MANUAL, 1),
    ("redirect-loop", MANUAL, 4),  # its seven hops come back to the manual page every other time
])
def test_failures_that_may_pass_are_tried_once_more_and_answers_are_not(runs, kind, path, requests):
    assert runs.hits[f"hostile-{kind}", path] == requests


def test_nothing_reaches_the_intranet(runs):
    assert [key for key in runs.hits if key[0] == PRIVATE] == []


def test_healthy_sites_get_the_same_results_beside_hostile_ones(runs):
    assert len(runs.healthy) == 20 and all(runs.alone[s]["site"]["status"] == "ok" for s in runs.healthy)
    different = [s for s in runs.healthy if answer(runs.mixed[s]) != answer(runs.alone[s])]
    assert different == []
