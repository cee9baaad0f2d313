"""Fan-out of one event to 10,000 subscriptions, against encrypting the payloads alone.

Run: ``.venv/bin/python bench/bench_push.py [--subscriptions N] [--database-url URL]``

The receiver runs in its own process (``bench/push_receiver.py``: a raw asyncio
HTTP/1.1 responder that answers 201, checks one request in 100 in full (headers,
VAPID, decrypted body) and every other one's token by comparison). All figures
come from the same run:

* encrypt alone (the budget's baseline): the worker's own ``encrypt_many``
  encrypting N payloads (RFC 8291, a fresh ECDH key each) in chunks on a pool of
  the worker's size, no network, no database; best of that and one thread;
* encrypt + bare POST (a second baseline): the same encryption, then each body
  POSTed through the worker's ``Sender`` (one pooled aiohttp session) to the same
  receiver, with no queue, no database and no lease;
* fan-out: one report event queued for N subscriptions in one transaction, then the
  worker taking, sending and recording all of them.

The budget in DESIGN.md: fan-out at least 0.7 of the encrypt-alone rate. CPU
seconds of this process and of the receiver are printed too: on 2 shared cores
they show where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

SUBJECT = "mailto:bench@wegovnow.example.org"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def device_keys() -> tuple[str, str]:
    return device()[:2]


def device() -> tuple[str, str, ec.EllipticCurvePrivateKey, bytes]:
    """A device's p256dh and auth as a subscription carries them, and its secrets."""
    key = ec.generate_private_key(ec.SECP256R1())
    secret = os.urandom(16)
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point), b64url(secret), key, secret


def encrypt_alone(
    count: int, workers: int, payload: bytes, keys: tuple[str, str]
) -> float:
    """Seconds to encrypt ``count`` payloads as the worker does (its function, its
    chunks, on ``workers`` threads), and nothing else."""
    from server.push.sender import encrypt_many
    from server.push.worker import SEAL_CHUNK

    items = [(keys[0], keys[1], payload)] * count
    chunks = [items[i : i + SEAL_CHUNK] for i in range(0, count, SEAL_CHUNK)]
    with ThreadPoolExecutor(workers) as pool:
        started = time.perf_counter()
        bodies = [body for chunk in pool.map(encrypt_many, chunks) for body in chunk]
        elapsed = time.perf_counter() - started
    assert all(isinstance(body, bytes) for body in bodies)
    return elapsed


async def encrypt_and_post(
    count: int,
    threads: int,
    payload: bytes,
    keys: tuple[str, str],
    base_url: str,
    concurrency: int,
    data_dir: Path,
) -> float:
    """Seconds to encrypt ``count`` payloads and POST each through the worker's
    Sender: the fan-out without its queue."""
    from server.push.sender import Sender, encrypt_many
    from server.push.vapid import Vapid, load_or_create_key
    from server.push.worker import SEAL_CHUNK, seal_pool

    loop = asyncio.get_running_loop()
    sender = Sender(
        Vapid(load_or_create_key(data_dir / "push"), SUBJECT), 10, True, concurrency
    )
    await sender.open()
    items = [(keys[0], keys[1], payload)] * SEAL_CHUNK
    slots = asyncio.Semaphore(concurrency)
    failures = 0

    async def post(index: int, sealing: asyncio.Future[list[bytes | str]]) -> None:
        nonlocal failures
        async with slots:
            body = (await sealing)[index % SEAL_CHUNK]
            assert isinstance(body, bytes)
            sealed = sender.seal(
                f"{base_url}/push/{index}", body, 86400, "normal", f"m{index}"
            )
            attempt = await sender.post(sealed)
            failures += attempt.status != 201

    started = time.perf_counter()
    with seal_pool(threads) as pool:
        sealing = [
            loop.run_in_executor(
                pool, encrypt_many, items[: min(SEAL_CHUNK, count - first)]
            )
            for first in range(0, count, SEAL_CHUNK)
        ]
        await asyncio.gather(*(post(i, sealing[i // SEAL_CHUNK]) for i in range(count)))
    elapsed = time.perf_counter() - started
    await sender.close()
    assert failures == 0, failures
    return elapsed


async def fan_out(
    count: int,
    database_url: str,
    data_dir: Path,
    base_url: str,
    concurrency: int,
    keys: tuple[str, str],
) -> tuple[float, float, int, str]:
    from server.accounts.models import User
    from server.core.db import open_database
    from server.core.i18n import Catalog
    from server.demo import seed_categories
    from server.push.events import enqueue_report_event
    from server.push.models import PushMessage, PushSubscription, PushTopic
    from server.push.service import load_vapid
    from server.push.worker import Worker
    from server.reports.models import Report
    from server.settings import Settings

    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        vapid_subject=SUBJECT,
        push_allow_loopback=True,
        push_concurrency=concurrency,
    )
    context = await open_database(settings.resolved_database_url)
    try:
        await seed_categories()
        catalog = Catalog.load(settings.locales_dir)
        staff = await User.create(id=uuid.uuid4(), name="Staff", role="staff")
        resident = await User.create(id=uuid.uuid4(), name="Rita", role="resident")
        p256dh, auth = keys
        subscriptions = [
            PushSubscription(
                id=uuid.uuid4(),
                user=staff,
                endpoint=f"{base_url}/push/{i}",
                p256dh=p256dh,
                auth=auth,
                topics=["new_reports"],
                categories=[],
            )
            for i in range(count)
        ]
        await PushSubscription.bulk_create(subscriptions, batch_size=1000)
        await PushTopic.bulk_create(
            [
                PushTopic(subscription_id=s.id, topic="new_reports")
                for s in subscriptions
            ],
            batch_size=1000,
        )
        report = await Report.create(
            id=uuid.uuid4(),
            category_id="streetlight",
            description="bench",
            lat=45.46,
            lon=9.19,
            reporter=resident,
            field_versions={},
        )

        from tortoise.transactions import in_transaction

        started = time.perf_counter()
        async with in_transaction():
            queued = await enqueue_report_event("created", report, resident.id, catalog)
        enqueued = time.perf_counter() - started
        assert queued == count, queued

        worker = Worker(settings, load_vapid(settings))
        started = time.perf_counter()
        cpu = time.process_time()
        sent = await worker.run(once=True)
        delivered = time.perf_counter() - started
        print(
            f"fan-out cpu            {time.process_time() - cpu:.2f} s (deliver, this process)"
        )
        assert sent == count, sent
        assert await PushMessage.filter(state="sent").count() == count
        payload = (await PushMessage.first()).payload  # type: ignore[union-attr]
        return enqueued, delivered, sent, payload
    finally:
        await context.close_connections()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--database-url", default="", help="default: SQLite in a temporary folder"
    )
    args = parser.parse_args()
    from server.core.runtime import tune_garbage_collector

    tune_garbage_collector()  # as `wegovnow serve` does, for the worker as well

    p256dh, auth, key, secret = device()
    scalar = f"{key.private_numbers().private_value:064x}"
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.push_receiver", SUBJECT, scalar, secret.hex()],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert receiver.stdout is not None and receiver.stdin is not None
    base_url = f"http://127.0.0.1:{receiver.stdout.readline().strip()}"
    with tempfile.TemporaryDirectory() as folder:
        enqueued, delivered, sent, payload = asyncio.run(
            fan_out(
                args.subscriptions,
                args.database_url,
                Path(folder),
                base_url,
                args.concurrency,
                (p256dh, auth),
            )
        )
        threads = min(args.concurrency, os.cpu_count() or 2)
        cpu = time.process_time()
        posted = asyncio.run(
            encrypt_and_post(
                args.subscriptions,
                threads,
                payload.encode(),
                (p256dh, auth),
                base_url,
                args.concurrency,
                Path(folder),
            )
        )
        print(
            f"encrypt + post cpu     {time.process_time() - cpu:.2f} s (this process)"
        )
    receiver.stdin.close()
    received, errors, decrypted, receiver_cpu = receiver.stdout.readline().split()
    receiver.wait()

    keys = device_keys()
    cpu = time.process_time()
    one = encrypt_alone(args.subscriptions, 1, payload.encode(), keys)
    print(f"encrypt alone cpu      {time.process_time() - cpu:.2f} s (1 thread)")
    many = encrypt_alone(args.subscriptions, threads, payload.encode(), keys)
    baseline = args.subscriptions / min(one, many)
    rate = sent / (enqueued + delivered)
    bare = args.subscriptions / posted
    print(f"subscriptions          {args.subscriptions}")
    print(f"payload                {len(payload.encode())} bytes")
    print(
        "receiver               raw asyncio HTTP/1.1 in its own process: answers 201,"
    )
    print("                       checks 1 request in 100 in full (headers, VAPID,")
    print("                       decrypted body), the others' tokens by comparison")
    print(
        f"received / errors      {received} / {errors} ({decrypted} decrypted and read)"
    )
    print(f"receiver cpu           {receiver_cpu} s (both runs that post)")
    print(f"queue (one transaction) {enqueued:.2f} s")
    print(f"deliver                {delivered:.2f} s  ({sent / delivered:.0f} msgs/s)")
    print(f"fan-out                {rate:.0f} msgs/s (queue + deliver)")
    print(
        f"encrypt alone          {args.subscriptions / one:.0f} msgs/s on 1 thread, "
        f"{args.subscriptions / many:.0f} on {threads} (the better counts)"
    )
    print(f"encrypt + bare POST    {bare:.0f} msgs/s")
    print(f"ratio to encrypt alone {rate / baseline:.2f} (budget 0.70)")
    print(f"ratio to encrypt+POST  {rate / bare:.2f}")
    expected = sent + args.subscriptions
    ok = int(received) == expected and errors == "0" and int(decrypted) > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
