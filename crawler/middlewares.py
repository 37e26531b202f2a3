"""Downloader middleware: the network-safety policy."""
from __future__ import annotations

import ipaddress
import os
import socket
from urllib.parse import urlparse

from scrapy.utils.defer import deferred_to_future
from twisted.internet.threads import deferToThread

from .errors import Blocked


def allowed_networks(value: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Parse OIT_ALLOW_NETWORKS ("127.0.0.1/32,10.0.0.0/8"); raises ValueError on a bad CIDR."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in (value or "").split(",") if part.strip()]


class NetworkSafetyMiddleware:
    """Only http(s) to public addresses, checked after DNS resolution and on every redirect hop.
    `OIT_ALLOW_NETWORKS` (environment or setting) lets exactly the listed networks through."""

    def __init__(self, allowed):
        self.allowed = allowed
        self._cache: dict[str, list[str]] = {}

    @classmethod
    def from_crawler(cls, crawler):
        value = os.environ.get("OIT_ALLOW_NETWORKS") or crawler.settings.get("OIT_ALLOW_NETWORKS")
        return cls(allowed_networks(value))

    def _public_or_allowed(self, address: str) -> bool:
        ip = ipaddress.ip_address(address.split("%")[0])
        return any(ip in net for net in self.allowed) or ip.is_global

    async def process_request(self, request):
        parsed = urlparse(request.url)
        if parsed.scheme == "data":  # internal bookkeeping requests, never sent on the network
            return None
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise Blocked(f"scheme not allowed: {parsed.scheme}")
        host = parsed.hostname
        addresses = self._cache.get(host)
        if addresses is None:
            try:
                infos = await deferred_to_future(deferToThread(
                    socket.getaddrinfo, host, parsed.port or 443, 0, socket.SOCK_STREAM))
            except socket.gaierror:
                return None  # let the downloader report the DNS failure as such
            addresses = self._cache[host] = sorted({info[4][0] for info in infos})
        bad = [a for a in addresses if not self._public_or_allowed(a)]
        if bad:
            raise Blocked(f"non-public address {bad[0]} for {host}")
        return None
