from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from quart import request

from server.core.errors import BadRequest, PayloadTooLarge

ModelT = TypeVar("ModelT", bound=BaseModel)

JSON_BODY_MAX = 2 * 1024 * 1024
# PostgreSQL stores no NUL character in text or JSON, so a body holding one would
# fail at the database with a 500; it is refused up front, on SQLite too.
NUL = "\x00"


async def parse_body(model: type[ModelT], allow_nul: bool = False) -> ModelT:
    """Read the JSON body as ``model``; unknown fields and bad values answer 400.

    ``allow_nul`` is for the sync push alone, which refuses a NUL mutation by
    mutation: a 400 for the whole batch would stop the device's queue for good.
    """
    length = request.content_length
    if length is not None and length > JSON_BODY_MAX:
        raise PayloadTooLarge("request.too_large", {"max_bytes": JSON_BODY_MAX})
    raw = await request.get_data(as_text=False)
    if len(raw) > JSON_BODY_MAX:
        raise PayloadTooLarge("request.too_large", {"max_bytes": JSON_BODY_MAX})
    if not allow_nul and b"\\u0000" in raw:  # a cheap look first: JSON can only spell NUL this way
        refuse_nul(json.loads(raw))
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as error:
        raise invalid_request(error) from error


def refuse_nul(value: Any) -> None:
    """Answer 400 when a decoded JSON body holds a NUL character anywhere."""
    where = nul_path(value, [])
    if where is not None:
        raise BadRequest(
            "request.invalid",
            {"count": 1},
            details=[{"loc": where.split("."), "type": "string_nul", "msg": "NUL (U+0000)"}],
        )


def nul_path(value: Any, path: list[str]) -> str | None:
    """The dotted path of the first string (or key) holding a NUL, or None."""
    if isinstance(value, str):
        return ".".join(path) or "args" if NUL in value else None
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and NUL in key:
            return ".".join([*path, key.replace(NUL, "")]) or "args"
        found = nul_path(item, [*path, str(key)])
        if found is not None:
            return found
    return None


def invalid_request(error: ValidationError) -> BadRequest:
    """The 400 for a body that does not fit its model, with each problem listed."""
    return BadRequest(
        "request.invalid",
        {"count": error.error_count()},
        details=[
            {"loc": list(e["loc"]), "type": e["type"], "msg": e["msg"]}
            for e in error.errors(include_url=False, include_input=False)
        ],
    )
