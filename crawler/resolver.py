"""The network-safety policy at name resolution: the downloader connects only to addresses that
passed the check, so a host cannot pass with a public address and then be connected to at a
private one (DNS rebinding). Installed with `TWISTED_DNS_RESOLVER`."""
from __future__ import annotations

import ipaddress
import os

from scrapy.resolver import CachingHostnameResolver
from scrapy.utils.datatypes import LocalCache
from twisted.internet.interfaces import IResolutionReceiver
from zope.interface import implementer

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# host -> the first address it was refused for, when it had no permitted one (one reactor, and
# so one resolver, per process: like Scrapy's own DNS cache)
refused: LocalCache[str, str] = LocalCache(10_000)


def allowed_networks(value: str | None) -> list[Network]:
    """Parse OIT_ALLOW_NETWORKS ("127.0.0.1/32,10.0.0.0/8"); raises ValueError on a bad CIDR."""
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in (value or "").split(",") if part.strip()]


def allowed_from(settings) -> list[Network]:
    return allowed_networks(os.environ.get("OIT_ALLOW_NETWORKS") or settings.get("OIT_ALLOW_NETWORKS"))


def permitted(address: str, allowed: list[Network]) -> bool:
    """A public address, or one in the networks the operator let through."""
    ip = ipaddress.ip_address(address.split("%")[0])
    return ip.is_global or any(ip in net for net in allowed)


@implementer(IResolutionReceiver)
class _Checked:
    """Passes on the permitted addresses of a resolution and remembers a host that had none."""

    def __init__(self, receiver, host: str, allowed: list[Network]):
        self.receiver, self.host, self.allowed = receiver, host, allowed
        self.passed, self.bad = 0, ""

    def resolutionBegan(self, resolution) -> None:  # noqa: N802 - Twisted's interface
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address) -> None:  # noqa: N802
        if permitted(address.host, self.allowed):
            self.passed += 1
            self.receiver.addressResolved(address)
        elif not self.bad:
            self.bad = address.host

    def resolutionComplete(self) -> None:  # noqa: N802
        if self.bad and not self.passed:
            refused[self.host] = self.bad
        self.receiver.resolutionComplete()


class SafeResolver(CachingHostnameResolver):
    """Scrapy's caching resolver (IPv4 and IPv6), handing on only permitted addresses; a host
    left with none fails to resolve and is listed in `refused` (reported as `blocked`)."""

    def __init__(self, reactor, cache_size: int, allowed: list[Network]):
        super().__init__(reactor, cache_size)
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler, reactor):
        s = crawler.settings
        return cls(reactor, s.getint("DNSCACHE_SIZE") if s.getbool("DNSCACHE_ENABLED") else 0, allowed_from(s))

    def resolveHostName(self, resolutionReceiver, hostName, portNumber=0, addressTypes=None,  # noqa: N802,N803
                        transportSemantics="TCP"):  # noqa: N803
        return super().resolveHostName(_Checked(resolutionReceiver, hostName, self.allowed), hostName,
                                       portNumber, addressTypes, transportSemantics)
