"""Starting and stopping push with the app: keys, subject check, the worker."""

from __future__ import annotations

import logging

from quart import Quart

from server.push.rules import check_vapid_subject
from server.push.vapid import Vapid, load_or_create_key
from server.push.worker import Worker
from server.settings import Settings

log = logging.getLogger("server.push")


def load_vapid(settings: Settings) -> Vapid:
    """The VAPID signer, with the key made on first start in ``<data>/push``."""
    subject = check_vapid_subject(settings.vapid_subject)
    return Vapid(load_or_create_key(settings.data_dir / "push"), subject)


async def start_push(app: Quart) -> None:
    """Refuse to start without a valid VAPID subject, then run the worker if asked."""
    settings: Settings = app.config["SETTINGS"]
    vapid = load_vapid(settings)
    app.config["VAPID"] = vapid
    if settings.push_worker:
        worker = Worker(settings, vapid)
        worker.start(app.config["DB"])
        app.config["PUSH_WORKER"] = worker
        log.info("push worker started owner=%s", worker.owner)


async def stop_push(app: Quart) -> None:
    worker: Worker | None = app.config.pop("PUSH_WORKER", None)
    if worker is not None:
        await worker.stop()
        log.info("push worker stopped owner=%s sent=%d", worker.owner, worker.sent)
