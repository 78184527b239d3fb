"""Sealed ballots: a secret vote's choice and reason, encrypted while voting is open.

While a secret vote is open, her ballot is written in the same transaction as her line on the
voter roll, so the database can tie the two together (PostgreSQL stamps both rows with that
transaction's id). Sealed, the ballot tells nothing to whoever reads the tables: every seal has the
same length whatever the choice and however long the reason, and only the app's ballot key opens
it. When voting closes, the ballots are opened and written again in plain, in a random order and
all in one transaction (votes.services.scatter_anonymous_ballots), and the tie is gone.

This keeps a secret ballot as cheap as a named one: one row written per vote, where before every
ballot of the proposal was written again on each vote, one vote at a time (issue 17)."""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from feedback.common.security import ballot_secret, keyed_digest
from feedback.votes.models import CHOICES

NONCE = 12
# A reason is at most votes.services.REASON_MAX (500) characters, four bytes each at most in UTF-8:
# every seal holds room for the longest, so its length tells nothing.
REASON_BYTES = 2000
_PLAIN = 1 + 2 + REASON_BYTES  # the choice, the reason's length (0: no reason), the reason padded
SEALED_BYTES = NONCE + _PLAIN + 16  # and GCM's tag


class BrokenSeal(ValueError):
    """A seal this app cannot open: another ballot key, or changed bytes."""


@lru_cache(maxsize=4)
def _cipher(secret: str) -> AESGCM:
    # A key of its own for sealing (32 bytes), derived from the ballot key like the ballot keys
    # themselves, with a label none of them uses.
    return AESGCM(bytes.fromhex(keyed_digest(secret, "sealed ballot", 1)))


@lru_cache(maxsize=4)
def _first_cipher(secret: str) -> AESGCM:
    # The key the first release with sealed ballots derived (up to 0e80936): a secret vote open
    # while the app was upgraded holds seals made with it, and they must still open and count.
    return AESGCM(hmac.new(secret.encode(), b"feedback sealed ballot v1", hashlib.sha256).digest())


def _context(proposal_id: int) -> bytes:
    # Bound to its proposal: a seal copied to another proposal's row does not open there.
    return f"proposal:{proposal_id}".encode()


def seal(proposal_id: int, choice: str, reason: str | None) -> bytes:
    text = (reason or "").encode()
    if len(text) > REASON_BYTES:
        raise ValueError("reason longer than a seal holds")
    plain = bytes([CHOICES.index(choice) + 1]) + (len(text) + 1 if reason else 0).to_bytes(2, "big") + text
    plain += bytes(_PLAIN - len(plain))
    nonce = os.urandom(NONCE)
    return nonce + _cipher(ballot_secret()).encrypt(nonce, plain, _context(proposal_id))


def unseal(proposal_id: int, sealed: bytes) -> tuple[str, str | None]:
    """The choice and reason in a seal; BrokenSeal when it does not open with this app's key."""
    nonce, body, context = bytes(sealed[:NONCE]), bytes(sealed[NONCE:]), _context(proposal_id)
    for cipher in (_cipher, _first_cipher):  # today's key first; the first release's for older seals
        try:
            plain = cipher(ballot_secret()).decrypt(nonce, body, context)
            break
        except InvalidTag:
            continue
    else:
        raise BrokenSeal("a sealed ballot that this BALLOT_SECRET does not open: was it changed while the secret "
                         f"vote on proposal {proposal_id} was open? Set it back to close that vote.")
    length = int.from_bytes(plain[1:3], "big")
    reason = plain[3:3 + length - 1].decode() if length else None
    return CHOICES[plain[0] - 1], reason
