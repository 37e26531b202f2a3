"""Failure classes: what went wrong with a fetch, in words a report can show (never "missing")."""
from __future__ import annotations

from urllib.parse import urlparse

from scrapy.exceptions import IgnoreRequest

from .resolver import refused

_RETRYABLE = {"dns", "timeout", "connect", "truncated"}


def retryable(error: str) -> bool:
    """A failure that may pass on a later try; the others are answers (404, robots, tls)."""
    return error in _RETRYABLE or error.startswith("http-5")


class Blocked(IgnoreRequest):
    """Refused by the network-safety policy (private address, odd scheme)."""


# Scrapy's own download errors (2.13+) and Twisted's, by class name; the exception itself is
# looked up first, then what it wraps.
_BY_NAME = {
    "CannotResolveHostError": "dns", "DNSLookupError": "dns",
    "DownloadTimeoutError": "timeout", "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
    "DownloadConnectionRefusedError": "connect", "ConnectionRefusedError": "connect",
    "ConnectError": "connect", "NoRouteError": "connect",
    "ConnectionLost": "connect", "ConnectionDone": "connect",  # reset, or closed without an answer
    "DownloadCancelledError": "too-large",  # the size limits are what cancels a download
    "_DecompressionMaxSizeExceeded": "too-large",  # a gzip/deflate bomb (an IgnoreRequest's cause)
    "ResponseDataLossError": "truncated",
    "UnsupportedURLSchemeError": "blocked",
}


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what it was raised from, and the reasons of a Twisted ResponseFailed."""
    seen: list[BaseException] = []
    todo = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is s for s in seen):
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, *(r.value for r in getattr(e, "reasons", []))]
    return seen


def _tls(e: BaseException) -> bool:
    """An OpenSSL failure, by the exception type (messages carry URLs, which may say "ssl")."""
    return type(e).__module__.startswith(("OpenSSL", "ssl")) or "SSL" in type(e).__name__ \
        or "TLS" in type(e).__name__


def _ignored(exc: IgnoreRequest, request) -> str:
    """Requests Scrapy's middlewares drop, by their own words (exact: messages also carry URLs)."""
    if isinstance(exc, Blocked):
        return "blocked"
    if str(exc) == "Forbidden by robots.txt":
        return "robots"
    if str(exc) == "max redirections reached":  # the last hop is one seen before: a loop
        return "redirect-loop" if request is not None and \
            request.url in request.meta.get("redirect_urls", ()) else "too-many-redirects"
    return ""


def failure_class(failure) -> str:
    exc = failure.value
    request = getattr(failure, "request", None)
    if isinstance(exc, IgnoreRequest) and _ignored(exc, request):
        return _ignored(exc, request)
    chain = _chain(exc)
    if any(_tls(e) for e in chain):
        return "tls"
    for e in chain:
        for cls in type(e).__mro__:
            if cls.__name__ in _BY_NAME:
                error = _BY_NAME[cls.__name__]
                # the safety resolver left the host no address: refused, not a DNS failure
                if error == "dns" and request is not None and urlparse(request.url).hostname in refused:
                    return "blocked"
                return error
    return "ignored" if isinstance(exc, IgnoreRequest) else "error"
