"""Secrets the server must read back, kept encrypted in the database (ONC 170.315(d)(12)).

An authenticator's seed cannot be hashed like a password or a backup code: every check of a
code recomputes it from the seed. So the seed is sealed with AES-256-GCM (an approved
algorithm) under a key that lives outside the database, and a copy of the database alone hands
out no second factors.

Keys come from THREADLINE_FIELD_KEYS (`settings.FIELD_KEYS`): the first seals, every one of
them opens, which is how keys are rotated. With none set (the embedded default) one key is
derived from SECRET_KEY with HKDF. Each sealed value is bound to a context, such as the
authenticator's owner, so a sealed seed copied onto someone else's row does not open.
"""

from __future__ import annotations

import base64
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Names the format, so a later scheme can sit beside this one while old values are resealed.
PREFIX = "aesgcm1:"
NONCE_BYTES = 12


class SealError(ImproperlyConfigured):
    """A sealed value that none of the configured keys opens: a key is missing or wrong."""


@functools.cache
def _derived_from_secret_key(secret_key: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"threadline field keys",
        info=b"threadline.accounts.sealing v1",
    )
    return hkdf.derive(secret_key.encode())


def keys() -> list[bytes]:
    """The keys in force, the sealing one first."""
    configured = list(getattr(settings, "FIELD_KEYS", []))
    return configured or [_derived_from_secret_key(settings.SECRET_KEY)]


def seal(plain: bytes, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(keys()[0]).encrypt(nonce, plain, context.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def unseal(text: str, context: str) -> bytes:
    """The plain value; `SealError` when no key opens it, rather than a wrong seed."""
    return unseal_with_key_number(text, context)[0]


def unseal_with_key_number(text: str, context: str) -> tuple[bytes, int]:
    """The plain value and the position of the key that opened it (0: the sealing key)."""
    if not text.startswith(PREFIX):
        raise SealError(f"{context}: the stored secret is not sealed ({PREFIX}...).")
    try:
        raw = base64.urlsafe_b64decode(text[len(PREFIX) :].encode())
    except ValueError:
        raise SealError(f"{context}: the stored secret is damaged.") from None
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for number, key in enumerate(keys()):
        try:
            return AESGCM(key).decrypt(nonce, sealed, context.encode()), number
        except InvalidTag:
            continue
    source = (
        "THREADLINE_FIELD_KEYS"
        if getattr(settings, "FIELD_KEYS", [])
        else "the key derived from THREADLINE_SECRET_KEY (THREADLINE_FIELD_KEYS is not set)"
    )
    raise SealError(
        f"{context}: no key in {source} opens the stored secret. Put back the key it was "
        "sealed with (a new key goes in front of the old ones, which stay until "
        "`threadline manage reseal_authenticators` has run)."
    )
