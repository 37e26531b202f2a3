"""Downloader middleware: the network-safety policy on every request and redirect hop."""
from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urljoin, urlparse

from .errors import Blocked
from .resolver import SafeResolver, allowed_from, permitted, refused

logger = logging.getLogger(__name__)


class NetworkSafetyMiddleware:
    """Only http(s); addresses are checked where the connection is made (`SafeResolver`), so this
    refuses what needs no lookup: other schemes (also as a redirect target), literal addresses
    outside the policy, hosts the resolver already refused. `OIT_ALLOW_NETWORKS` (environment or
    setting) lets exactly the listed networks through."""

    def __init__(self, allowed):
        self.allowed = allowed
        self._resolver_ok = False

    @classmethod
    def from_crawler(cls, crawler):
        return cls(allowed_from(crawler.settings))

    def _check_resolver(self) -> None:
        """Fail closed: without the checking resolver every host name could reach anywhere."""
        from twisted.internet import reactor

        if not isinstance(reactor.nameResolver, SafeResolver):
            logger.error("network safety: TWISTED_DNS_RESOLVER is not crawler.resolver.SafeResolver; "
                         "nothing is fetched")
            raise Blocked("DNS resolver without the network-safety check")
        self._resolver_ok = True

    def process_request(self, request):
        parsed = urlparse(request.url)
        if parsed.scheme == "data":  # internal bookkeeping requests, never sent on the network
            return None
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise Blocked(f"scheme not allowed: {parsed.scheme}")
        if not self._resolver_ok:
            self._check_resolver()
        host = parsed.hostname
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            if host in refused:  # the retry of a refused host: no second lookup
                raise Blocked(f"non-public address {refused[host]} for {host}") from None
            return None
        if not permitted(str(literal), self.allowed):
            raise Blocked(f"non-public address {host}")
        return None

    def process_response(self, request, response):
        """A redirect to another scheme (file:, ftp:...) is not followed by Scrapy but handed on
        as the page: it is a refused hop, not an empty page that could pass as evidence."""
        location = response.headers.get("Location")
        if 300 <= response.status < 400 and location:
            target = urlparse(urljoin(request.url, location.decode("latin-1")))
            if target.scheme not in ("http", "https"):
                raise Blocked(f"redirect to scheme not allowed: {target.scheme}")
        return response
