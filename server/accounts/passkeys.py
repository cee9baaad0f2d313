"""Passkey ceremonies (WebAuthn) on top of the ``webauthn`` package.

Theory of operation. Every ceremony starts with options that carry a fresh random
challenge. The challenge is stored on the server as its SHA-256 with a purpose, an
expiry and, for registration, the account it will add a passkey to; the browser gets
the challenge only inside the options. When the signed answer comes back, the
challenge is read from its ``clientDataJSON``, looked up by digest and marked used in
one conditional update, before any signature is checked: a replayed or raced answer
finds its challenge spent. Only then does ``webauthn`` verify origin, RP id,
signature and flags.

Sign-in is usernameless: the options name no account and the authenticator returns
the user handle of a discoverable credential. The credential must belong to that user
handle. Every failure of a sign-in answers the same ``auth.passkey_failed``, and an
unknown credential still costs one signature check, so neither the answer nor its
timing tells whether a credential exists.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from tortoise.transactions import in_transaction
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from server.accounts.auth import utcnow
from server.accounts.models import (
    STAFF_ROLES,
    Challenge,
    Invitation,
    Passkey,
    RecoveryCode,
    User,
)
from server.core.errors import AuthRequired, BadRequest, Conflict, Forbidden
from server.settings import Settings

log = logging.getLogger("server")

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass
class Registered:
    user: User
    passkey: Passkey
    recovery_codes: list[str] | None


def challenge_digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


async def new_challenge(
    purpose: str,
    settings: Settings,
    user: User | None = None,
    user_handle: uuid.UUID | None = None,
    name: str = "",
    invitation_id: str | None = None,
) -> bytes:
    challenge = secrets.token_bytes(32)
    await Challenge.create(
        id=challenge_digest(challenge),
        purpose=purpose,
        user=user,
        user_handle=(user_handle or (user.id if user else uuid.uuid4())).hex,
        name=name,
        invitation_id=invitation_id,
        expires_at=utcnow() + timedelta(seconds=settings.challenge_seconds),
    )
    return challenge


async def spend_challenge(credential: dict[str, Any], purpose: str) -> Challenge:
    """Find the challenge an answer signed and mark it used, once and in time."""
    try:
        client_data = json.loads(
            base64url_to_bytes(credential["response"]["clientDataJSON"])
        )
        challenge = base64url_to_bytes(client_data["challenge"])
    except (KeyError, TypeError, ValueError):
        raise BadRequest("passkey.malformed")
    digest = challenge_digest(challenge)
    now = utcnow()
    spent = await Challenge.filter(
        id=digest, purpose=purpose, used_at=None, expires_at__gt=now
    ).update(used_at=now)
    if spent != 1:
        raise BadRequest("passkey.challenge_invalid")
    return await Challenge.get(id=digest)


async def registration_options(
    user: User | None, name: str, invitation: str | None, settings: Settings
) -> dict[str, Any]:
    """Options for ``navigator.credentials.create``: a discoverable credential."""
    invited = await open_invitation(invitation) if invitation else None
    handle = user.id if user else uuid.uuid4()
    shown = name or (user.name if user and not user.is_guest else "") or "WeGovNow"
    existing = await Passkey.filter(user_id=handle).values_list("id", flat=True)
    needs_uv = invited is not None or (user is not None and user.is_staff)
    challenge = await new_challenge(
        "register",
        settings,
        user=user,
        user_handle=handle,
        name=name,
        invitation_id=invited.id if invited else None,
    )
    options = generate_registration_options(
        rp_id=settings.relying_party_id,
        rp_name=settings.rp_name,
        user_name=shown,
        user_id=handle.bytes,
        user_display_name=shown,
        challenge=challenge,
        timeout=settings.challenge_seconds * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED
            if needs_uv
            else UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(str(cid)))
            for cid in existing
        ],
    )
    return json.loads(options_to_json(options))  # type: ignore[no-any-return]


async def open_invitation(secret: str) -> Invitation:
    digest = hashlib.sha256(secret.encode()).hexdigest()
    invitation = await Invitation.get_or_none(id=digest)
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at < utcnow()
    ):
        raise BadRequest("invitation.invalid")
    return invitation


async def finish_registration(
    user: User | None, credential: dict[str, Any], label: str, settings: Settings
) -> Registered:
    """Check a new passkey and add it to ``user`` (a guest is upgraded in place)."""
    challenge = await spend_challenge(credential, "register")
    if challenge.user_id != (user.id if user else None):  # type: ignore[attr-defined]
        raise BadRequest("passkey.challenge_invalid")
    becomes_staff = challenge.invitation_id is not None or (
        user is not None and user.is_staff
    )
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(
                json.loads(
                    base64url_to_bytes(credential["response"]["clientDataJSON"])
                )["challenge"]
            ),
            expected_rp_id=settings.relying_party_id,
            expected_origin=settings.allowed_origins,
            require_user_verification=becomes_staff,
        )
    except (InvalidRegistrationResponse, KeyError, TypeError, ValueError) as error:
        log.info("passkey registration refused: %s", error)
        raise BadRequest("passkey.invalid")

    credential_id = bytes_to_base64url(verified.credential_id)
    async with in_transaction():
        if await Passkey.exists(id=credential_id):
            raise Conflict("passkey.exists")
        if user is None:
            user = await User.create(
                id=uuid.UUID(hex=challenge.user_handle),
                name=challenge.name or "Resident",
                role="resident",
            )
        first = not await Passkey.exists(user_id=user.id)
        if user.is_guest:
            user.is_guest = False
            user.name = challenge.name or "Resident"
            await user.save(update_fields=["is_guest", "name"])
        if challenge.invitation_id:
            await redeem_invitation(challenge.invitation_id, user)
        passkey = await Passkey.create(
            id=credential_id,
            user=user,
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
            transports=transports_of(credential),
            aaguid=str(verified.aaguid),
            backed_up=verified.credential_backed_up,
            label=label[:120],
        )
        codes = await issue_recovery_codes(user) if first else None
    log.info("passkey registered user=%s", user.id)
    return Registered(user=user, passkey=passkey, recovery_codes=codes)


def transports_of(credential: dict[str, Any]) -> list[str]:
    raw = credential.get("response", {}).get("transports") or []
    known = {t.value for t in AuthenticatorTransport}
    return [t for t in raw if isinstance(t, str) and t in known]


async def redeem_invitation(invitation_id: str, user: User) -> None:
    now = utcnow()
    taken = await Invitation.filter(
        id=invitation_id, used_at=None, expires_at__gt=now
    ).update(used_at=now, used_by_id=user.id)
    if taken != 1:
        raise BadRequest("invitation.invalid")
    invitation = await Invitation.get(id=invitation_id)
    user.role = invitation.role
    user.departments = invitation.departments
    user.areas = invitation.areas
    user.scope_epoch += 1
    await user.save(update_fields=["role", "departments", "areas", "scope_epoch"])


async def login_options(settings: Settings) -> dict[str, Any]:
    """Options for ``navigator.credentials.get`` that name no account."""
    challenge = await new_challenge("login", settings)
    options = generate_authentication_options(
        rp_id=settings.relying_party_id,
        challenge=challenge,
        timeout=settings.challenge_seconds * 1000,
        allow_credentials=[],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return json.loads(options_to_json(options))  # type: ignore[no-any-return]


# A key nobody holds: unknown credentials are checked against it so that they take
# as long as known ones.
_DECOY_KEY = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()


def decoy_cose_key() -> bytes:
    import cbor2

    return cbor2.dumps(
        {
            1: 2,
            3: -7,
            -1: 1,
            -2: _DECOY_KEY.x.to_bytes(32, "big"),
            -3: _DECOY_KEY.y.to_bytes(32, "big"),
        }
    )


DECOY_COSE_KEY = decoy_cose_key()


async def finish_login(credential: dict[str, Any], settings: Settings) -> User:
    """Check a sign-in answer and return the account it proves."""
    challenge = await spend_challenge(credential, "login")
    expected = base64url_to_bytes(
        json.loads(base64url_to_bytes(credential["response"]["clientDataJSON"]))[
            "challenge"
        ]
    )
    passkey = await Passkey.get_or_none(id=str(credential.get("id", ""))[:255])
    user = await User.get_or_none(id=passkey.user_id) if passkey else None  # type: ignore[attr-defined]
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=expected,
            expected_rp_id=settings.relying_party_id,
            expected_origin=settings.allowed_origins,
            credential_public_key=passkey.public_key if passkey else DECOY_COSE_KEY,
            # The sign count is judged below, after the signature, so that nobody can
            # flag a passkey with a forged answer.
            credential_current_sign_count=0,
        )
    except (InvalidAuthenticationResponse, KeyError, TypeError, ValueError) as error:
        log.info("passkey sign-in refused challenge=%s: %s", challenge.id[:8], error)
        raise AuthRequired("auth.passkey_failed")
    if passkey is None or user is None or user.deleted_at is not None:
        raise AuthRequired("auth.passkey_failed")
    if not owns_credential(credential, user):
        log.warning("passkey used for another account passkey=%s", passkey.id[:12])
        raise AuthRequired("auth.passkey_failed")

    if (verified.new_sign_count > 0 or passkey.sign_count > 0) and (
        verified.new_sign_count <= passkey.sign_count
    ):
        await Passkey.filter(id=passkey.id).update(flagged_at=utcnow())
        log.warning("passkey sign count went backwards passkey=%s", passkey.id[:12])
        raise Forbidden("auth.passkey_flagged")
    if user.role in STAFF_ROLES and not verified.user_verified:
        raise Forbidden("auth.passkey_uv_required")

    await Passkey.filter(id=passkey.id).update(
        sign_count=verified.new_sign_count,
        last_used_at=utcnow(),
        backed_up=verified.credential_backed_up,
    )
    return user


def owns_credential(credential: dict[str, Any], user: User) -> bool:
    """The user handle the authenticator returned must be this account's."""
    handle = credential.get("response", {}).get("userHandle")
    if not handle:
        return False
    try:
        return base64url_to_bytes(handle) == user.id.bytes
    except (TypeError, ValueError):
        return False


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


async def issue_recovery_codes(user: User) -> list[str]:
    """Replace the account's recovery codes; the new ones are shown once."""
    await RecoveryCode.filter(user_id=user.id).delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODES)]
    for code in codes:
        await RecoveryCode.create(id=code_digest(code), user=user)
    return codes


async def redeem_recovery_code(code: str) -> User | None:
    """Use a recovery code once; an unknown or used code gives nobody."""
    digest = code_digest(code)
    used = await RecoveryCode.filter(id=digest, used_at=None).update(used_at=utcnow())
    if used != 1:
        return None
    row = await RecoveryCode.get(id=digest)
    user = await User.get_or_none(id=row.user_id)  # type: ignore[attr-defined]
    if user is None or user.deleted_at is not None:
        return None
    return user
