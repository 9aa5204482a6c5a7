"""The invitation secrets: a link token, a short code, and the keyed hash that is all we store."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

# No 0/O, 1/I/L: the code is read out or copied by hand. 31 symbols, 8 of them: about 40 bits,
# enough for a code that lives 24 hours, needs the date of birth too, and closes after
# MAX_FAILED_ATTEMPTS wrong dates.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What the client typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def shown_code(code: str) -> str:
    """ABCD-EFGH: two halves are easier to read out than eight letters in a row."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _key() -> bytes:
    return hashlib.sha256(b"threadline-portal-invitation:" + settings.SECRET_KEY.encode()).digest()


def digest(kind: str, secret: str) -> str:
    """The keyed hash stored for a secret; `kind` keeps a link and a code from ever colliding."""
    return hmac.new(_key(), f"{kind}:{secret}".encode(), hashlib.sha256).hexdigest()
