"""The ``wegovnow`` command."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from pathlib import Path
from typing import Any

from server.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    return int(args.handler(args) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wegovnow", description="WeGovNow civic platform")
    commands = parser.add_subparsers(dest="command")

    serve = commands.add_parser("serve", help="run the app on Hypercorn")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    add_data_dir(serve)
    serve.set_defaults(handler=cmd_serve)

    users = commands.add_parser("users", help="manage accounts")
    users_commands = users.add_subparsers(dest="users_command")
    create = users_commands.add_parser("create", help="create an account")
    create.add_argument("--role", choices=["resident", "volunteer", "staff", "admin"], required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(create)
    create.set_defaults(handler=cmd_users_create)

    seed = commands.add_parser("seed-demo", help="load a demo city")
    add_data_dir(seed)
    seed.set_defaults(handler=cmd_seed_demo)

    proposals = commands.add_parser("proposals", help="the proposals module")
    proposals_commands = proposals.add_subparsers(dest="proposals_command")
    tally = proposals_commands.add_parser(
        "tally", help="recount a ballot file by the Schulze method, as LiquidFeedback does"
    )
    from server.proposals.cli_tally import add_tally_arguments, tally_from_namespace

    add_tally_arguments(tally)
    tally.set_defaults(handler=tally_from_namespace)
    tick = proposals_commands.add_parser(
        "tick", help="move proposal issues through their phases once (on time and quorum)"
    )
    tick.add_argument("--now", default=None, help="ISO 8601 time to run at (default: now)")
    add_data_dir(tick)
    tick.set_defaults(handler=cmd_proposals_tick)

    push = commands.add_parser("push", help="Web Push delivery")
    push_commands = push.add_subparsers(dest="push_command")
    deliver = push_commands.add_parser("deliver", help="send queued notifications")
    deliver.add_argument("--once", action="store_true", help="stop when nothing is due")
    add_data_dir(deliver)
    deliver.set_defaults(handler=cmd_push_deliver)

    schema = commands.add_parser("schema", help="print the sync wire format as JSON Schema")
    schema.set_defaults(handler=cmd_schema)

    db = commands.add_parser("db", help="the database schema")
    db_commands = db.add_subparsers(dest="db_command")
    migrate = db_commands.add_parser(
        "migrate", help="bring the schema up to date (serve does it too, at start)"
    )
    add_data_dir(migrate)
    migrate.set_defaults(handler=cmd_db_migrate)
    make = db_commands.add_parser(
        "makemigrations", help="write the migration that model changes need"
    )
    make.add_argument("--name", default=None, help="a few words for the file name")
    make.set_defaults(handler=cmd_db_makemigrations)
    return parser


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None, help="data folder (default ./var)")


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for key in ("data_dir", "host", "port"):
        value = getattr(args, key, None)
        if value is not None:
            overrides[key] = value
    return Settings(**overrides)


def data_dir_problem(data_dir: Path) -> str | None:
    """Say why the app cannot keep its data in ``data_dir``, or None when it can."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        return (
            f"WEGOVNOW_DATA_DIR={data_dir} cannot be written ({error.strerror}): "
            "the database, photos and push keys live there; give the app a folder it may write"
        )
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    from server.app import create_app
    from server.core.runtime import tune_garbage_collector

    settings = settings_from(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if problem := vapid_problem(settings) or data_dir_problem(settings.data_dir):
        print(problem, file=sys.stderr)
        return 2
    tune_garbage_collector()
    config = Config()
    config.bind = [f"{settings.host}:{settings.port}"]
    config.accesslog = None
    app = create_app(settings)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await serve(app, config, shutdown_trigger=stop.wait)  # type: ignore[arg-type]

    print(f"WeGovNow on http://{settings.host}:{settings.port} (data in {settings.data_dir})", flush=True)
    asyncio.run(run())
    return 0


def with_database(settings: Settings, work: Any) -> Any:
    from server.core.db import open_database

    async def run() -> Any:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        context = await open_database(settings.resolved_database_url)
        try:
            return await work()
        finally:
            await context.close_connections()

    return asyncio.run(run())


def cmd_users_create(args: argparse.Namespace) -> int:
    import uuid

    from server.accounts.auth import create_api_token, create_signin_link
    from server.accounts.models import User

    settings = settings_from(args)

    async def work() -> dict[str, str]:
        user = await User.create(id=uuid.uuid4(), name=args.name, role=args.role)
        token = await create_api_token(user, label="created by the wegovnow command")
        link = await create_signin_link(user, settings)
        return {"id": str(user.id), "token": token, "signin_url": link}

    created = with_database(settings, work)
    if args.json:
        print(json.dumps(created))
    else:
        print(f"Created {args.role} {args.name} ({created['id']})")
        print(f"API token (shown once): {created['token']}")
        print(f"Sign-in link (single use): {created['signin_url']}")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from server.demo import seed_demo

    settings = settings_from(args)
    summary = with_database(settings, lambda: seed_demo(settings))
    print(summary)
    return 0


def cmd_proposals_tick(args: argparse.Namespace) -> int:
    from datetime import datetime, timezone

    from server.proposals.access import member_ttl
    from server.proposals.scheduler import tick

    now = None
    if args.now:
        now = datetime.fromisoformat(args.now)
        if now.tzinfo is None:
            now = now.replace(tzinfo=timezone.utc)
    settings = settings_from(args)
    ttl = member_ttl(settings)
    report = with_database(settings, lambda: tick(now, ttl))
    print(json.dumps(report.as_json()))

def vapid_problem(settings: Settings) -> str | None:
    from server.push.rules import check_vapid_subject

    try:
        check_vapid_subject(settings.vapid_subject)
    except ValueError as error:
        return f"wegovnow: {error}"
    return None


def cmd_push_deliver(args: argparse.Namespace) -> int:
    """Send what is due: once, or until SIGINT/SIGTERM (beside or instead of the app's worker)."""
    from server.push.service import load_vapid
    from server.push.worker import Worker

    settings = settings_from(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if problem := vapid_problem(settings):
        print(problem, file=sys.stderr)
        return 2

    async def work() -> int:
        worker = Worker(settings, load_vapid(settings))
        if args.once:
            return await worker.run(once=True)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(worker.stop()))
        return await worker.run()

    sent = with_database(settings, work)
    print(f"sent {sent} push messages")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sync.wire import json_schemas

    json.dump(json_schemas(), sys.stdout, indent=2)
    print()
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    # Opening the database migrates it; there is nothing else to do.
    with_database(settings_from(args), lambda: asyncio.sleep(0))
    print("the schema is up to date", flush=True)
    return 0


def cmd_db_makemigrations(args: argparse.Namespace) -> int:
    from server.core.db import TORTOISE_ORM
    from server.core.migrations import model_changes
    from tortoise.migrations.writer import format_migration_name

    writers = asyncio.run(model_changes(TORTOISE_ORM))
    if not writers:
        print("no model changes", flush=True)
    for writer in writers:
        if args.name:
            number = int(writer.name.split("_", 1)[0])
            writer.name = format_migration_name(number, args.name)
        print(f"wrote {writer.write()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
