"""The delivery worker: takes due messages from the queue with a lease and sends them.

Guarantee, stated plainly. Taking a message is one atomic UPDATE that sets a lease
(``lease_owner``, ``leased_until``) on rows nobody holds; on PostgreSQL the rows are
picked with ``FOR UPDATE SKIP LOCKED``. So two workers, in one process or on several
machines, never hold the same message, and each message is sent by one of them.

An HTTP request and a database commit cannot be made atomic. A message is recorded as
sent in the first commit after the push service accepted it; results are committed in
groups, a few milliseconds apart. Hence:

* a stop (SIGTERM, ``after_serving``) sends nothing twice and loses nothing: requests
  in flight finish and are recorded, and messages taken but not started are handed
  back at once;
* a crash (kill -9, power loss) re-sends at most the messages whose request had started
  and whose result was not yet committed: at most ``push_concurrency`` plus one group
  of results per worker. Messages taken but not started wait for their lease to run
  out (``LEASE_S``), then go out once. Each request carries the message id as its
  ``Topic``, so a push service still holding the first copy replaces it, and the service
  worker shows it under the same tag, replacing the notification on the device.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

from tortoise.context import TortoiseContext
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.core.db import activate
from server.push.models import PushMessage, PushSubscription
from server.push.rules import Verdict, retry_delay, verdict
from server.push.sender import Attempt, Sender, describe, encrypt_many
from server.push.vapid import Vapid
from server.settings import Settings

log = logging.getLogger("server.push")

POLL_S = 1.0
LEASE_S = 300
# A woken worker waits this long before it looks: the transaction that queued the
# message is usually committed by then.
WAKE_DELAY_S = 0.02

CLAIM_SQL = {
    "sqlite": (
        "UPDATE push_messages SET lease_owner = ?, leased_until = ? "
        "WHERE id IN (SELECT id FROM push_messages WHERE state = 'queued' "
        "AND due_at <= ? AND leased_until <= ? ORDER BY due_at, id LIMIT ?) "
        "RETURNING id"
    ),
    # The CTE is materialised: as an IN (subquery) PostgreSQL may run the locking
    # subquery once per outer row and take far more than LIMIT rows.
    "postgres": (
        "WITH picked AS MATERIALIZED (SELECT id FROM push_messages "
        "WHERE state = 'queued' AND due_at <= $3 AND leased_until <= $4 "
        "ORDER BY due_at, id LIMIT $5 FOR UPDATE SKIP LOCKED) "
        "UPDATE push_messages SET lease_owner = $1, leased_until = $2 FROM picked "
        "WHERE push_messages.id = picked.id RETURNING push_messages.id"
    ),
}


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Job:
    id: int
    subscription_id: str
    endpoint: str
    p256dh: str
    auth: str
    payload: str
    urgency: str
    attempts: int


# Results are committed when this many are waiting, or this often.
RECORD_BATCH = 256
RECORD_EVERY_S = 0.05
# Messages encrypted per call into the thread pool: fewer hand-offs.
SEAL_CHUNK = 32


def seal_pool(size: int) -> ThreadPoolExecutor:
    """Threads that encrypt.

    Known shortcoming: cryptography (44 to 50) holds the GIL while it makes the
    ephemeral key and runs the ECDH exchange (``py-spy --gil`` on
    ``bench/bench_push.py``), so these threads and the event loop's HTTP work
    mostly take turns. A process pool (chunks of 64) moved encryption off the
    loop's core but measured no faster on the loaded 2-core machine, where the
    pipeline waits on encryption latency; it remains the next step to measure on
    a quiet machine.
    """
    return ThreadPoolExecutor(size, thread_name_prefix="push-seal")


class Worker:
    def __init__(self, settings: Settings, vapid: Vapid) -> None:
        self.settings = settings
        self.concurrency = settings.push_concurrency
        # Taken ahead of sending, up to 1.5 claims held: even if every request ran
        # into its timeout, the last one starts within half of LEASE_S.
        rounds = int(LEASE_S // (3 * settings.push_timeout_seconds))
        self.claim_size = max(1, min(8, rounds)) * self.concurrency
        self.sender = Sender(
            vapid, settings.push_timeout_seconds, settings.push_allow_loopback,
            self.concurrency,
        )
        self.owner = f"{socket.gethostname()[:24]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.seal_threads = min(self.concurrency, os.cpu_count() or 2)
        self.executor: ThreadPoolExecutor | None = None
        self.buffer: deque[tuple[Job, asyncio.Future[list[bytes | str]], int]] = deque()
        self.in_flight: set[asyncio.Task[None]] = set()
        self.results: list[tuple[Job, Attempt]] = []
        self.wakeup = asyncio.Event()
        self.attention = asyncio.Event()
        self.stopping = False
        self.draining = False
        self.exhausted = False  # the last claim found fewer messages than it asked for
        self.sent = 0
        self._task: asyncio.Task[int] | None = None

    def start(self, context: TortoiseContext | None = None) -> None:
        """Run in the background, on the database ``context`` (the app's)."""

        async def run_in_context() -> int:
            if context is not None:
                activate(context)
            return await self.run()

        self._task = asyncio.create_task(run_in_context(), name="push-worker")

    async def stop(self) -> None:
        """Finish requests in flight, record them, hand back what was not started."""
        self.stopping = True
        self.wakeup.set()
        self.attention.set()
        if self._task is not None:
            await self._task

    def wake(self) -> None:
        self.wakeup.set()

    async def run(self, once: bool = False) -> int:
        """Deliver until stopped, or with ``once`` until nothing is due; answer the count.

        Sends chain: each one that ends starts the next from the buffer, so the
        claims and commits of this loop never leave a connection idle.
        """
        self.exhausted = False
        await self.sender.open()
        self.executor = seal_pool(self.seal_threads)
        try:
            while not self.stopping:
                if not self.exhausted and len(self.buffer) <= self.claim_size // 2:
                    taken = await self.claim(self.claim_size)
                    self.buffer.extend(self.seal_ahead(taken))
                    self.exhausted = len(taken) < self.claim_size
                self.fill()
                if self.in_flight:
                    await self.settle()
                    continue
                # Sends that finished while the last results were being recorded.
                await self.record_results()
                if once:
                    break
                await self.idle()
                self.exhausted = False
        except Exception:
            log.exception("push worker failed; owner=%s", self.owner)
            raise
        finally:
            await self.drain()
            await self.sender.close()
            self.executor.shutdown(wait=False, cancel_futures=True)
        return self.sent

    async def settle(self) -> None:
        """Wait until results pile up, the buffer runs low or sends end; record."""
        try:
            await asyncio.wait_for(self.attention.wait(), RECORD_EVERY_S)
        except asyncio.TimeoutError:
            pass
        self.attention.clear()
        await self.record_results()

    async def idle(self) -> None:
        try:
            await asyncio.wait_for(self.wakeup.wait(), POLL_S)
            await asyncio.sleep(WAKE_DELAY_S)
        except asyncio.TimeoutError:
            pass
        self.wakeup.clear()

    async def drain(self) -> None:
        self.draining = True
        if self.in_flight:
            await asyncio.wait(self.in_flight)
        await self.record_results()
        if self.buffer:
            ids = [job.id for job, _, _ in self.buffer]
            self.buffer.clear()
            await PushMessage.filter(id__in=ids, lease_owner=self.owner).update(
                leased_until=0, lease_owner=None
            )
        self.draining = False

    async def claim(self, limit: int) -> list[Job]:
        """Take up to ``limit`` due messages nobody holds, in queue order."""
        now = now_ms()
        db = PushMessage._meta.db
        dialect = "postgres" if db.capabilities.dialect == "postgres" else "sqlite"
        # execute_query_dict: asyncpg's execute_query drops the rows of an UPDATE.
        rows = await db.execute_query_dict(
            CLAIM_SQL[dialect], [self.owner, now + LEASE_S * 1000, now, now, limit]
        )
        ids = [row["id"] for row in rows]
        if not ids:
            return []
        values = await PushMessage.filter(id__in=ids).order_by("due_at", "id").values(
            "id", "subscription_id", "payload", "urgency", "attempts",
            "subscription__endpoint", "subscription__p256dh", "subscription__auth",
        )
        return [
            Job(
                id=row["id"],
                subscription_id=str(row["subscription_id"]),
                endpoint=row["subscription__endpoint"],
                p256dh=row["subscription__p256dh"],
                auth=row["subscription__auth"],
                payload=row["payload"],
                urgency=row["urgency"],
                attempts=row["attempts"],
            )
            for row in values
        ]

    def seal_ahead(
        self, jobs: list[Job]
    ) -> list[tuple[Job, asyncio.Future[list[bytes | str]], int]]:
        """Start encrypting ``jobs`` in the thread pool, in chunks; answer each job
        with the future of its chunk and its place in it."""
        loop = asyncio.get_running_loop()
        queued = []
        for first in range(0, len(jobs), SEAL_CHUNK):
            chunk = jobs[first : first + SEAL_CHUNK]
            items = [(job.p256dh, job.auth, job.payload.encode()) for job in chunk]
            future = loop.run_in_executor(self.executor, encrypt_many, items)
            queued.extend((job, future, i) for i, job in enumerate(chunk))
        return queued

    def fill(self) -> None:
        while self.buffer and len(self.in_flight) < self.concurrency and not (
            self.stopping or self.draining
        ):
            self.begin(*self.buffer.popleft())

    def begin(self, job: Job, sealing: asyncio.Future[list[bytes | str]], index: int) -> None:
        task = asyncio.create_task(self.send(job, sealing, index))
        self.in_flight.add(task)
        task.add_done_callback(self.finished)

    def finished(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self.fill()
        low = not self.exhausted and len(self.buffer) <= self.claim_size // 2
        if low or len(self.results) >= RECORD_BATCH or not self.in_flight:
            self.attention.set()

    async def send(
        self, job: Job, sealing: asyncio.Future[list[bytes | str]], index: int
    ) -> None:
        try:
            body = (await sealing)[index]
            if isinstance(body, str):
                attempt = Attempt(None, error=body, refused=True)
            else:
                sealed = self.sender.seal(
                    job.endpoint, body, self.settings.push_ttl_seconds, job.urgency,
                    f"m{job.id}",
                )
                attempt = await self.sender.post(sealed)
        except Exception as error:  # a bug must not stop the worker
            attempt = Attempt(None, error=describe(error), refused=True)
        self.results.append((job, attempt))

    async def record_results(self) -> None:
        """Commit every result that arrived since the last commit, in one transaction."""
        if not self.results:
            return
        batch, self.results = self.results, []
        for delay in (0.0, 0.5, 2.0, 5.0):
            await asyncio.sleep(delay)
            try:
                await self.record(batch)
                return
            except Exception:
                log.exception("could not record %d push results; retrying", len(batch))
        # The leases run out and the messages go out again: a duplicate, not a loss.
        log.error("gave up recording %d push results", len(batch))

    async def record(self, batch: list[tuple[Job, Attempt]]) -> None:
        now = datetime.now(timezone.utc)
        max_attempts = self.settings.push_max_attempts
        sent: list[int] = []
        gone: set[str] = set()
        async with in_transaction():
            for job, attempt in batch:
                attempts = job.attempts + 1
                outcome = Verdict.FAILED if attempt.refused else verdict(
                    attempt.status, attempts, max_attempts
                )
                mine = PushMessage.filter(id=job.id, lease_owner=self.owner)
                if outcome is Verdict.SENT:
                    sent.append(job.id)
                elif outcome is Verdict.GONE:
                    gone.add(job.subscription_id)
                    log.info("subscription gone status=%s subscription=%s", attempt.status, job.subscription_id)
                elif outcome is Verdict.RETRY:
                    wait = retry_delay(attempts, attempt.retry_after, now)
                    await mine.update(
                        attempts=attempts, due_at=now_ms() + int(wait * 1000), leased_until=0,
                        lease_owner=None, last_status=attempt.status, last_error=attempt.error,
                    )
                    log.info("push retry message=%s status=%s in=%.0fs", job.id, attempt.status, wait)
                else:
                    await mine.update(
                        state="failed", attempts=attempts, last_status=attempt.status,
                        last_error=attempt.error,
                    )
                    log.warning(
                        "push failed message=%s status=%s attempts=%s error=%s",
                        job.id, attempt.status, attempts, attempt.error,
                    )
            if sent:
                await PushMessage.filter(id__in=sent, lease_owner=self.owner).update(
                    state="sent", sent_at=now, attempts=F("attempts") + 1
                )
                done = set(sent)
                subscriptions = {job.subscription_id for job, _ in batch if job.id in done}
                await PushSubscription.filter(id__in=list(subscriptions)).update(last_sent_at=now)
            if gone:
                await PushSubscription.filter(id__in=list(gone)).delete()
        self.sent += len(sent)

