"""The worker fleet on Celery and Redis: `oit crawl --queue redis://...` sends a run's batches,
`oit worker --queue redis://...` runs them, each batch in a crawl process of its own.

A batch leaves the queue only when its crawl process has ended (acks late), and a worker that
dies puts it back; but what is done is what the history holds, so the coordinator also sends a
batch again when its agencies stop coming in (crawler.dispatch), and a batch delivered twice
skips the agencies already in. A batch withdrawn while queued (sent again, or its coordinator
stopped) is dropped when a worker takes it: Celery's revoke only reaches the workers up then.
"""
from __future__ import annotations

import contextlib
import os
import uuid

from celery import Celery
from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from . import batch

app = Celery("oit")
app.conf.update(
    task_acks_late=True,  # acknowledged when the batch is done, not when it is taken
    task_reject_on_worker_lost=True,  # a pool process lost mid-batch gives the batch back
    worker_prefetch_multiplier=1,  # a worker holds only the batches it is running
    task_track_started=True,  # the coordinator tells a running batch from a waiting one
    task_serializer="json", result_serializer="json", accept_content=["json"],
    # a batch of a few hundred sites takes minutes; one not acknowledged after this is given again
    broker_transport_options={"visibility_timeout": 4 * 3600},
    result_expires=2 * 24 * 3600,
    result_backend_always_retry=True,  # a Redis that blinks does not fail the coordinator's polling
    broker_connection_retry_on_startup=True,
    worker_cancel_long_running_tasks_on_connection_loss=False,
)


class QueueError(ValueError):
    """The queue is not a Redis URL, or cannot be reached (one line, exit status 2)."""


def configure(url: str) -> None:
    if not url.startswith(("redis://", "rediss://")):
        raise QueueError(f"--queue: not a Redis URL (redis://host:6379/0): {url!r}")
    app.conf.broker_url = app.conf.result_backend = url
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except (OperationalError, OSError) as exc:
        raise QueueError(f"--queue: cannot reach {url}: {exc}") from None


_LIVE_SECONDS = 7 * 24 * 3600  # how long a run's set of live batches is kept in Redis


def _live(run_id: int) -> str:
    """The Redis set of a run's batches still wanted: one sent again, withdrawn, or sent by a
    coordinator since stopped (its farm served elsewhere now) is no longer in it."""
    return f"oit:run:{run_id}:live"


def _redis():
    import redis

    return redis.Redis.from_url(app.conf.broker_url)


@app.task(name="oit.crawl_batch")
def crawl_batch(job: dict) -> int:
    if not _redis().sismember(_live(job["run"]), job["send"]):  # withdrawn after it was queued
        return 0
    code = batch.start(job).wait()
    if code:
        raise RuntimeError(f"crawl process exited with status {code}")
    return len(job["ids"])


class Queue:
    """Batches as Celery tasks (crawler.dispatch.Sender)."""

    errors = (OperationalError, RedisError, OSError)

    def __init__(self):
        self.redis = _redis()
        self.sent: dict[str, tuple[AsyncResult, int, str]] = {}  # task id -> (result, run, send token)
        self.runs: set[int] = set()

    def send(self, job: dict) -> AsyncResult:
        if job["run"] not in self.runs:  # a new coordinator: the batches of an earlier one are withdrawn
            self.redis.delete(_live(job["run"]))
            self.runs.add(job["run"])
        token = uuid.uuid4().hex
        self.redis.sadd(_live(job["run"]), token)
        self.redis.expire(_live(job["run"]), _LIVE_SECONDS)
        result = crawl_batch.apply_async(args=[{**job, "send": token}])
        self.sent[result.id] = (result, job["run"], token)
        return result

    def state(self, result: AsyncResult) -> tuple[str, str]:
        state = result.state
        if state in ("STARTED", "RETRY"):
            return "running", ""
        if state in ("SUCCESS", "FAILURE", "REVOKED"):
            return "ended", "" if state == "SUCCESS" else str(result.result)
        return "waiting", ""

    def cancel(self, result: AsyncResult) -> None:
        """Not taken yet: withdrawn. Running (on a worker that is slow, not dead): it finishes;
        the agencies already in are not crawled again by the batch sent in its place."""
        _, run_id, token = self.sent.pop(result.id)
        self.redis.srem(_live(run_id), token)
        result.revoke()

    def close(self) -> None:
        """The coordinator stops: batches not taken yet are withdrawn, running ones finish."""
        with contextlib.suppress(*self.errors):
            for result, _, _ in list(self.sent.values()):
                if result.state in ("PENDING", "RECEIVED"):
                    self.cancel(result)


def work(url: str, concurrency: int, verbose: bool) -> None:
    """Run a Celery worker: `concurrency` batches at once, each a crawl process (threads wait on them)."""
    configure(url)
    app.worker_main(["worker", "--pool", "threads", "--concurrency", str(concurrency),
                     "--loglevel", "INFO" if verbose else "WARNING", "--hostname", f"oit-{os.getpid()}@%h",
                     "--without-gossip", "--without-mingle"])
