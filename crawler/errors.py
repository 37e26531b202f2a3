"""Failure classes: what went wrong with a fetch, in words a report can show (never "missing")."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest
from twisted.internet import error as tx
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


class Blocked(IgnoreRequest):
    """Refused by the network-safety policy (private address, odd scheme)."""


def failure_class(failure) -> str:
    exc = failure.value
    if isinstance(exc, Blocked):
        return "blocked"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots" in text:
            return "robots"
        if "max redirections" in text or "redirect" in text:
            return "redirect-loop"
        return "ignored"
    if isinstance(exc, tx.DNSLookupError):
        return "dns"
    if isinstance(exc, (tx.TimeoutError, tx.TCPTimedOutError)):
        return "timeout"
    if isinstance(exc, (tx.ConnectionRefusedError, tx.ConnectError, tx.NoRouteError)):
        return "connect"
    if isinstance(exc, (ResponseFailed, ResponseNeverReceived)):
        reasons = " ".join(str(r.value) for r in getattr(exc, "reasons", []))
        return "tls" if "SSL" in reasons or "certificate" in reasons.lower() else "connect"
    name = type(exc).__name__.lower()
    if "ssl" in name or "tls" in name:
        return "tls"
    if "size" in str(exc).lower() or "maxsize" in name:
        return "too-large"
    return "error"
