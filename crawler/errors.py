"""Failure classes: what went wrong with a fetch, in words a report can show (never "missing")."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


_RETRYABLE = {"dns", "timeout", "connect", "truncated"}


def retryable(error: str) -> bool:
    """A failure that may pass on a later try; the others are answers (404, robots, tls)."""
    return error in _RETRYABLE or error.startswith("http-5")


class Blocked(IgnoreRequest):
    """Refused by the network-safety policy (private address, odd scheme)."""


# Scrapy's own download errors (2.13+) and Twisted's, by class name, most specific first.
_BY_NAME = {
    "CannotResolveHostError": "dns", "DNSLookupError": "dns",
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "DownloadConnectionRefusedError": "connect", "ConnectionRefusedError": "connect",
    "ConnectError": "connect", "NoRouteError": "connect", "ConnectionLost": "connect",
    "DownloadCancelledError": "too-large",  # the size limits are what cancels a download
    "ResponseDataLossError": "truncated",
    "UnsupportedURLSchemeError": "blocked",
}


def _tls(exc: BaseException) -> bool:
    """An OpenSSL failure, by the exception types (their messages carry URLs, which may say "ssl")."""
    causes = [exc, *(r.value for r in getattr(exc, "reasons", [])), exc.__cause__, exc.__context__]
    return any(c is not None and (type(c).__module__.startswith(("OpenSSL", "ssl"))
                                  or "SSL" in type(c).__name__ or "TLS" in type(c).__name__) for c in causes)


def failure_class(failure) -> str:
    exc = failure.value
    if isinstance(exc, Blocked):
        return "blocked"
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots" in text:
            return "robots"
        return "redirect-loop" if "redirect" in text else "ignored"
    if _tls(exc):
        return "tls"
    for cls in type(exc).__mro__:
        if cls.__name__ in _BY_NAME:
            return _BY_NAME[cls.__name__]
    return "error"
