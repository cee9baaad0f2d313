"""Fan-out of one event to 10,000 subscriptions, against encrypting the payloads alone.

Run: ``.venv/bin/python bench/bench_push.py [--subscriptions N] [--database-url URL]``

The receiver runs in its own process (``bench/push_receiver.py``: a raw asyncio
HTTP/1.1 responder that checks the headers and the VAPID token of every request,
answers 201 and decrypts one body in 100). Both figures come from the same run:

* baseline: pywebpush encrypting N payloads (RFC 8291, a fresh ECDH key each), no
  network, no database, on as many threads as the worker uses, best of that and one
  thread;
* fan-out: one report event queued for N subscriptions in one transaction, then the
  worker taking, sending and recording all of them.

The budget in DESIGN.md: fan-out at least 0.7 of the baseline rate.
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
from pywebpush import WebPusher  # noqa: E402

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


def encrypt_alone(count: int, threads: int, payload: bytes, keys: tuple[str, str]) -> float:
    """Seconds to encrypt ``count`` payloads the way a send does, and nothing else."""
    info = {"endpoint": "http://127.0.0.1/x", "keys": {"p256dh": keys[0], "auth": keys[1]}}

    def work(n: int) -> None:
        for _ in range(n):
            WebPusher(info).encode(payload)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, [count // threads + (i < count % threads) for i in range(threads)]))
    return time.perf_counter() - started


async def fan_out(
    count: int, database_url: str, data_dir: Path, base_url: str, concurrency: int,
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
        data_dir=data_dir, database_url=database_url, vapid_subject=SUBJECT,
        push_allow_loopback=True, push_concurrency=concurrency,
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
                id=uuid.uuid4(), user=staff, endpoint=f"{base_url}/push/{i}", p256dh=p256dh,
                auth=auth, topics=["new_reports"], categories=[],
            )
            for i in range(count)
        ]
        await PushSubscription.bulk_create(subscriptions, batch_size=1000)
        await PushTopic.bulk_create(
            [PushTopic(subscription_id=s.id, topic="new_reports") for s in subscriptions], batch_size=1000
        )
        report = await Report.create(
            id=uuid.uuid4(), category_id="streetlight", description="bench", lat=45.46,
            lon=9.19, reporter=resident, field_versions={},
        )

        from tortoise.transactions import in_transaction

        started = time.perf_counter()
        async with in_transaction():
            queued = await enqueue_report_event("created", report, resident.id, catalog)
        enqueued = time.perf_counter() - started
        assert queued == count, queued

        worker = Worker(settings, load_vapid(settings))
        started = time.perf_counter()
        sent = await worker.run(once=True)
        delivered = time.perf_counter() - started
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
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    p256dh, auth, key, secret = device()
    scalar = f"{key.private_numbers().private_value:064x}"
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.push_receiver", SUBJECT, scalar, secret.hex()],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert receiver.stdout is not None and receiver.stdin is not None
    base_url = f"http://127.0.0.1:{receiver.stdout.readline().strip()}"
    with tempfile.TemporaryDirectory() as folder:
        enqueued, delivered, sent, payload = asyncio.run(
            fan_out(
                args.subscriptions, args.database_url, Path(folder), base_url,
                args.concurrency, (p256dh, auth),
            )
        )
    receiver.stdin.close()
    received, errors, decrypted = (int(x) for x in receiver.stdout.readline().split())
    receiver.wait()

    keys = device_keys()
    one = encrypt_alone(args.subscriptions, 1, payload.encode(), keys)
    many = encrypt_alone(args.subscriptions, args.concurrency, payload.encode(), keys)
    baseline = args.subscriptions / min(one, many)
    rate = sent / (enqueued + delivered)
    print(f"subscriptions          {args.subscriptions}")
    print(f"payload                {len(payload.encode())} bytes")
    print("receiver               raw asyncio HTTP/1.1 in its own process: checks headers")
    print("                       and VAPID (signature once per token), answers 201,")
    print("                       decrypts 1 body in 100")
    print(f"received / errors      {received} / {errors} ({decrypted} decrypted and read)")
    print(f"queue (one transaction) {enqueued:.2f} s")
    print(f"deliver                {delivered:.2f} s  ({sent / delivered:.0f} msgs/s)")
    print(f"fan-out                {rate:.0f} msgs/s (queue + deliver)")
    print(f"encrypt alone          {args.subscriptions / one:.0f} msgs/s on 1 thread, "
          f"{args.subscriptions / many:.0f} on {args.concurrency}")
    print(f"ratio                  {rate / baseline:.2f} (budget 0.70)")
    return 0 if received == sent and errors == 0 and decrypted > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
