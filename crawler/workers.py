"""Documents (PDF, XLS(X), DOC(X)) are read in a worker process. pypdf is pure Python: tens of
milliseconds a document, seconds for a large one, minutes with OCR; in the crawl's own process
that time would stop every site's downloads, and the machine's second core would stay idle.
A document that stalls its worker past the time limit is given up ("unreadable") and the worker
replaced; one that kills it is retried once in a fresh worker."""
from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import extract


class DocumentWorkers:
    def __init__(self, workers: int, seconds: float):
        self.workers, self.seconds = workers, seconds
        self.pool: ProcessPoolExecutor | None = None

    async def read(self, url: str, content_type: str, body: bytes, ocr: bool) -> dict:
        if not self.workers:  # in a thread: the reactor still runs (OCR waits on a subprocess)
            return await asyncio.to_thread(extract.read, url, content_type, body, ocr)
        for _ in range(2):
            pool = self._pool()
            try:
                future = asyncio.wrap_future(pool.submit(extract.read, url, content_type, body, ocr))
                return await asyncio.wait_for(future, self.seconds)
            except asyncio.TimeoutError:
                self._replace(pool)
                break
            except asyncio.CancelledError:
                if asyncio.current_task().cancelling():  # the crawl itself is stopping
                    raise
                self._replace(pool)  # another document stalled the worker: this one was dropped
            except (BrokenProcessPool, CancelledError):
                self._replace(pool)  # this document or another one killed the worker
        return {"kind": extract.body_kind(url, content_type, body), "error": "unreadable"}

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            # a fresh interpreter, not a fork of one running a reactor and a browser
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self.pool

    def _replace(self, pool: ProcessPoolExecutor | None) -> None:
        if pool is not None and self.pool is pool:
            self.pool = None
            _stop(pool)

    def close(self) -> None:
        self._replace(self.pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    # a stalled worker would never finish its document: end it (no public API before Python 3.14)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
