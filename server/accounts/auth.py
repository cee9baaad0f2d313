"""Who is calling: session cookies for the browser, bearer tokens for scripts.

Secrets (session ids, API tokens, sign-in links) leave the server once and are stored
only as SHA-256 digests, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from quart import Response, current_app, g, request

from server.accounts.models import ApiToken, Session, SigninLink, User
from server.core.errors import AuthRequired, Forbidden
from server.settings import Settings

# How finely ``User.last_seen_at`` follows use (see ``note_seen``).
SEEN_PRECISION = timedelta(hours=1)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROLE_RANK = {"resident": 0, "volunteer": 1, "staff": 2, "admin": 3}


def utcnow() -> datetime:
    return datetime.now(UTC)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def cookie_name(settings: Settings) -> str:
    # Browsers accept the __Host- prefix only on Secure cookies, and Secure only over
    # https (or on localhost, which plain http test setups cannot rely on for tools).
    return "__Host-wgn_session" if settings.is_https else "wgn_session"


@dataclass
class Caller:
    user: User
    via: str  # "session" or "token"
    session: Session | None = None
    token_role: str | None = None

    @property
    def role(self) -> str:
        """The lesser of the account's role and the token's scope.

        A token keeps the scope it was made with, but never outlives a demotion.
        """
        if self.token_role is None:
            return self.user.role
        return min(self.token_role, self.user.role, key=ROLE_RANK.__getitem__)

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "admin")


async def create_session(user: User, response: Response) -> Session:
    """Sign ``user`` in on this browser with a fresh session id."""
    settings: Settings = current_app.config["SETTINGS"]
    secret = new_secret()
    session = await Session.create(
        id=digest(secret),
        user=user,
        csrf_token=new_secret(),
        last_seen_at=utcnow(),
    )
    await note_seen(user, session.last_seen_at)
    response.set_cookie(
        cookie_name(settings),
        secret,
        max_age=settings.session_absolute_days * 86400,
        path="/",
        secure=settings.is_https,
        httponly=True,
        samesite="Lax",
    )
    return session


async def sign_in(user: User, response: Response) -> Session:
    """Start a new session for ``user``, ending the one this browser had.

    A new id at every sign-in means a session id planted before sign-in (fixation)
    is worth nothing after it.
    """
    caller: Caller | None = g.get("caller")
    if caller is not None and caller.session is not None:
        await Session.filter(id=caller.session.id).update(revoked_at=utcnow())
    return await create_session(user, response)


async def end_session(response: Response) -> None:
    settings: Settings = current_app.config["SETTINGS"]
    caller: Caller | None = g.get("caller")
    if caller and caller.session:
        caller.session.revoked_at = utcnow()
        await caller.session.save(update_fields=["revoked_at"])
    response.delete_cookie(cookie_name(settings), path="/")


async def create_api_token(user: User, role: str | None = None, label: str = "") -> str:
    secret = "wgn_" + new_secret()
    await ApiToken.create(
        id=digest(secret), user=user, role=role or user.role, label=label
    )
    return secret


async def create_signin_link(user: User, settings: Settings) -> str:
    secret = new_secret()
    await SigninLink.create(
        id=digest(secret),
        user=user,
        expires_at=utcnow() + timedelta(minutes=settings.signin_link_minutes),
    )
    return f"{settings.public_url}/signin/{secret}"


async def redeem_signin_link(secret: str) -> User | None:
    """Use a sign-in link once; an expired, used or unknown link gives nobody."""
    link = await SigninLink.get_or_none(id=digest(secret)).prefetch_related("user")
    if link is None or link.used_at is not None or link.expires_at < utcnow():
        return None
    updated = await SigninLink.filter(id=link.id, used_at=None).update(used_at=utcnow())
    if updated != 1:  # somebody else used it a moment ago
        return None
    return link.user


async def create_guest() -> User:
    return await User.create(
        id=uuid.uuid4(), name="Guest", role="resident", is_guest=True
    )


async def resolve_caller() -> Caller | None:
    """Find the signed-in person of the current request, if any."""
    settings: Settings = current_app.config["SETTINGS"]
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        token = await ApiToken.get_or_none(
            id=digest(header[7:].strip()), revoked_at=None
        ).prefetch_related("user")
        if token is None or token.user.deleted_at is not None:
            raise AuthRequired("auth.invalid_token")
        await note_seen(token.user, utcnow())
        return Caller(user=token.user, via="token", token_role=token.role)

    secret = request.cookies.get(cookie_name(settings))
    if not secret:
        return None
    session = await Session.get_or_none(id=digest(secret), revoked_at=None)
    if session is None:
        return None
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    absolute = timedelta(days=settings.session_absolute_days)
    if now - session.last_seen_at > idle or now - session.created_at > absolute:
        return None
    user = await User.get(id=session.user_id)  # type: ignore[attr-defined]
    if user.deleted_at is not None:
        return None
    # Touch at most once a minute: every request writing would serialise reads on SQLite.
    if now - session.last_seen_at > timedelta(minutes=1):
        await Session.filter(id=session.id).update(last_seen_at=now)
    await note_seen(user, now)
    return Caller(user=user, via="session", session=session)


async def note_seen(user: User, now: datetime) -> None:
    """Record that ``user`` is around, at most once an hour.

    Proposals count only members seen within a few months, so the hour is precise
    enough, and most requests write nothing.
    """
    if user.last_seen_at is not None and now - user.last_seen_at < SEEN_PRECISION:
        return
    user.last_seen_at = now
    await User.filter(id=user.id).update(last_seen_at=now)


def check_csrf(caller: Caller | None) -> None:
    """Refuse cross-site state changes made with the session cookie.

    Bearer tokens are not sent by browsers on their own, so only cookie requests need
    the check: the Origin (when the browser sends one) must be the app's, and the
    ``X-CSRF-Token`` header must match the session's token.
    """
    if request.method not in UNSAFE_METHODS:
        return
    settings: Settings = current_app.config["SETTINGS"]
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") not in allowed_origins(settings):
        raise Forbidden("auth.bad_origin", {"origin": origin[:200]})
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden("auth.bad_origin", {"origin": origin or "cross-site"})
    if caller is None or caller.via != "session" or caller.session is None:
        return
    sent = request.headers.get("X-CSRF-Token", "")
    if not hmac.compare_digest(sent, caller.session.csrf_token):
        raise Forbidden("auth.csrf")


def allowed_origins(settings: Settings) -> set[str]:
    origins = set(settings.allowed_origins)
    host = request.host
    if host:
        origins.add(f"{request.scheme}://{host}")
    return origins


def caller_or_none() -> Caller | None:
    return g.get("caller")  # type: ignore[no-any-return]


def require_caller() -> Caller:
    caller = g.get("caller")
    if caller is None:
        raise AuthRequired("auth.required")
    return caller  # type: ignore[no-any-return]


def require_session() -> Caller:
    """A signed-in browser: passkeys and tokens are never managed with a token."""
    caller = require_caller()
    if caller.via != "session":
        raise Forbidden("auth.session_required")
    return caller


def require_admin() -> Caller:
    caller = require_caller()
    if caller.role != "admin":
        raise Forbidden("auth.admin_only")
    return caller


def require_staff() -> Caller:
    caller = require_caller()
    if not caller.is_staff:
        raise Forbidden("auth.staff_only")
    return caller
