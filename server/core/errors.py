"""The error tree of the server, and the one JSON envelope every failure answers with.

Every error carries an HTTP status, a stable machine code (``media.too_large``), a message
key in ``locales/server/`` and the parameters its message needs. The handler in
``server.app`` translates the message into the caller's language::

    {"error": {"status": 413, "code": "media.too_large",
               "message": "The photo is larger than 25 MB.",
               "message_key": "error.media.too_large", "params": {...}, "details": ...}}

``ApiError``
  ``BadRequest`` (400), ``AuthRequired`` (401), ``Forbidden`` (403), ``NotFound`` (404),
  ``Conflict`` (409), ``PayloadTooLarge`` (413), ``UnsupportedMedia`` (415),
  ``Unprocessable`` (422), ``UpgradeRequired`` (426), ``TooManyRequests`` (429)
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 500

    def __init__(
        self,
        code: str,
        params: dict[str, Any] | None = None,
        details: Any = None,
        message_key: str | None = None,
    ) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}
        self.details = details
        self.message_key = message_key or code


class BadRequest(ApiError):
    status = 400


class AuthRequired(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class PayloadTooLarge(ApiError):
    status = 413


class UnsupportedMedia(ApiError):
    status = 415


class Unprocessable(ApiError):
    status = 422


class UpgradeRequired(ApiError):
    status = 426


class TooManyRequests(ApiError):
    status = 429

    def __init__(self, code: str, retry_after: int, **kwargs: Any) -> None:
        super().__init__(code, **kwargs)
        self.retry_after = retry_after
