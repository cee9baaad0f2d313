from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from quart import request

from server.core.errors import BadRequest, PayloadTooLarge

ModelT = TypeVar("ModelT", bound=BaseModel)

JSON_BODY_MAX = 2 * 1024 * 1024


async def parse_body(model: type[ModelT]) -> ModelT:
    """Read the JSON body as ``model``; unknown fields and bad values answer 400."""
    length = request.content_length
    if length is not None and length > JSON_BODY_MAX:
        raise PayloadTooLarge("request.too_large", {"max_bytes": JSON_BODY_MAX})
    raw = await request.get_data(as_text=False)
    if len(raw) > JSON_BODY_MAX:
        raise PayloadTooLarge("request.too_large", {"max_bytes": JSON_BODY_MAX})
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as error:
        raise invalid_request(error) from error


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
