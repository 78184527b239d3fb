"""Password hashing and link tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        # Spend the same time as a real check so the response does not tell
        # whether the account exists.
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    # 32 bytes of randomness, URL-safe: about 43 characters, unguessable.
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens are long random strings, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(token.encode()).hexdigest()


def ballot_secret() -> str:
    """The key of secret ballots and fully anonymous authors (BALLOT_SECRET)."""
    return current_app.config.get("BALLOT_SECRET") or current_app.config["SECRET_KEY"]


def keyed_digest(secret: str, *parts: object) -> str:
    msg = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()
