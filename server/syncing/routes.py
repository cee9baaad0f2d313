from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, current_app, g, jsonify, request

from server.accounts.auth import require_caller
from server.core.errors import BadRequest
from server.core.validation import parse_body
from server.syncing import engine
from sync.wire import PushRequest, json_schemas

blueprint = Blueprint("sync", __name__)


@blueprint.post("/api/sync/push")
async def push() -> Any:
    caller = require_caller()
    body = await parse_body(PushRequest, allow_nul=True)
    answer = await engine.push(
        caller, body, current_app.config["SETTINGS"], current_app.config["CATALOG"], g.lang
    )
    return jsonify(answer.model_dump(mode="json"))


@blueprint.get("/api/sync/pull")
async def pull() -> Any:
    caller = require_caller()
    settings = current_app.config["SETTINGS"]
    client_id = request.args.get("client_id", "")
    if not 8 <= len(client_id) <= 64:
        raise BadRequest("sync.client_id_invalid")
    cursor = int_arg("cursor", 0)
    limit = min(max(int_arg("limit", 500), 1), settings.sync_pull_max)
    protocol = request.args.get("protocol") or request.headers.get("X-WGN-Protocol")
    answer = await engine.pull(
        caller, client_id, cursor, limit, int(protocol) if protocol and protocol.isdigit() else None
    )
    # pydantic's own serializer: several times faster than dumping to dicts first.
    return Response(answer.model_dump_json(), mimetype="application/json")


@blueprint.get("/api/sync/refused")
async def refused() -> Any:
    """Mutations of this device that were rejected or lost a conflict, with their args."""
    caller = require_caller()
    client_id = request.args.get("client_id", "")
    limit = min(max(int_arg("limit", 100), 1), 500)
    return jsonify(await engine.refused(caller, client_id, limit))


@blueprint.get("/api/sync/schema")
async def schema() -> Any:
    return jsonify(json_schemas())


def int_arg(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest("query.not_a_number", {"name": name, "value": raw[:40]})
    if value < 0:
        raise BadRequest("query.not_a_number", {"name": name, "value": raw[:40]})
    return value
