"""DNS pinning: addresses are checked where the downloader connects (crawler.resolver), so a host
name is judged by the address it is really reached at, not by a lookup of its own that a
rebinding DNS server could answer differently. Seam: `localhost` resolves to 127.0.0.1 while only
the agency's network, 127.0.0.2/32, is allowed."""
from __future__ import annotations

import pytest

from crawl_sites import crawl
from hostile_server import ETHICS, HOME, MANUAL, MANUAL_PAGE, PRIVATE
from servers import page_server


def _server(host: str, pages: dict[str, str], hits: list[str], redirect: str = ""):
    def answer(path: str):
        hits.append(path)
        if path == MANUAL and redirect:
            return 302, b"", {"Location": redirect}
        body = pages.get(path, "").encode()
        return 200 if body else 404, body, {}

    return page_server(host, answer)


@pytest.mark.parametrize("settings", [
    pytest.param({}, id="as-configured"),
    # the resolver alone, with the middleware's checks out of the way, still keeps the door shut
    pytest.param({"DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.NetworkSafetyMiddleware": None}},
                 id="resolver-alone"),
])
def test_a_host_name_resolving_to_a_forbidden_address_is_never_connected_to(tmp_path, settings):
    forbidden_hits: list[str] = []
    forbidden = _server("127.0.0.1", {MANUAL: MANUAL_PAGE}, forbidden_hits)
    agency = _server(PRIVATE, {"/": HOME, "/ethics.html": ETHICS}, [],
                     redirect=f"http://localhost:{forbidden.server_address[1]}{MANUAL}")
    try:
        results, _ = crawl({"agency": f"http://{PRIVATE}:{agency.server_address[1]}/"}, tmp_path / "r.json",
                           settings=settings, allow=f"{PRIVATE}/32")
    finally:
        agency.shutdown()
        forbidden.shutdown()
    result = results["agency"]
    items = {i["code"]: i for i in result["items"]}
    assert [(f["url"].rsplit("/", 1)[-1], f["error"]) for f in result["failures"]] == [("manual.html", "blocked")]
    assert items["O8"]["status"] == "unverified" and "(blocked)" in items["O8"]["reason"]
    assert items["O16"]["status"] == "found"  # the agency's own pages are read
    assert forbidden_hits == []
