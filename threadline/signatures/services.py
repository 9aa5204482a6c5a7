"""Signing, and verifying that every signature still matches its document.

A document that can be signed offers `signable()` (the dict whose canonical JSON is hashed) and
`client` (whose record it belongs to). Plans use this now; notes and addenda will too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from threadline.accounts import mfa
from threadline.audit.services import record
from threadline.signatures import hashing
from threadline.signatures.models import Meaning, Method, Signature

# ASVS 7.5.3 and 21 CFR 11.200: the signer proves who they are again just before signing.
STEP_UP_WINDOW = timedelta(minutes=2)

ATTESTATIONS = {
    Meaning.AUTHOR: "I wrote this document, reviewed it, and sign it as complete and accurate.",
    Meaning.SUPERVISOR: "I supervise the author; I reviewed this document and co-sign it.",
    Meaning.CLIENT_AGREEMENT: "I have reviewed this plan and I agree to it.",
    Meaning.TELEHEALTH_ATTESTATION: (
        "The client reviewed this plan with me during a telehealth session and agreed to it "
        "verbally."
    ),
}


class Signable(Protocol):
    pk: Any

    def signable(self) -> dict[str, Any]: ...


class SigningRefused(Exception):
    """Refused with a sentence the signer can act on."""


@dataclass(frozen=True)
class SignerIdentity:
    user: Any
    printed_name: str
    credentials: str = ""


def signatures_of(document: models.Model) -> list[Signature]:
    return list(
        Signature.objects.filter(
            document_type=ContentType.objects.get_for_model(document), document_id=document.pk
        )
    )


def _fields(signature: Signature) -> dict[str, Any]:
    """What the record HMAC covers: the document's identity too, so a row cannot be moved."""
    return {
        "document_type": signature.document_type_id,
        "document_id": signature.document_id,
        "meaning": signature.meaning,
        "signer": signature.signer_id,
        "printed_name": signature.printed_name,
        "credentials": signature.credentials,
        "signed_at": signature.signed_at.isoformat(),
        "method": signature.method,
        "attestation": signature.attestation,
        "content_sha256": signature.content_sha256,
    }


def step_up_method(user: Any) -> Method:
    """How a signer proved it was them just now: the password, and the authenticator's code for
    anyone who has one (the signing forms refuse a missing or wrong code before any service)."""
    return Method.PASSWORD_TOTP if mfa.has_device(user) else Method.PASSWORD


def sign(
    document: Any,
    *,
    signer: SignerIdentity,
    meaning: Meaning,
    method: Method,
    now: datetime,
    stepped_up_at: datetime | None = None,
    ip: str | None = None,
    user_agent: str = "",
    client: Any = None,
) -> Signature:
    """Add one signature to `document`; the caller holds a row lock on it in a transaction."""
    if method in {Method.PASSWORD, Method.PASSWORD_TOTP} and (
        stepped_up_at is None or now - stepped_up_at > STEP_UP_WINDOW
    ):
        raise SigningRefused("Enter your password again to sign; it confirms it is you.")
    # Stored and read back in UTC; the record HMAC must cover the same text both times.
    now = now.astimezone(UTC)
    document_type = ContentType.objects.get_for_model(document)
    existing = Signature.objects.filter(document_type=document_type, document_id=document.pk)
    if existing.filter(meaning=meaning).exists():
        raise SigningRefused(f"This version already has its {Meaning(meaning).label.lower()}.")
    digest = hashing.content_sha256(document.signable())
    if meaning != Meaning.AUTHOR:
        author = existing.filter(meaning=Meaning.AUTHOR).first()
        if author is None:
            raise SigningRefused("The author signs first.")
        if author.content_sha256 != digest:
            raise SigningRefused(
                "The content changed after the author signed; it cannot be co-signed."
            )
    signature = Signature(
        document_type=document_type,
        document_id=document.pk,
        meaning=meaning,
        signer=signer.user,
        printed_name=signer.printed_name,
        credentials=signer.credentials,
        signed_at=now,
        method=method,
        ip=ip,
        user_agent=user_agent[:300],
        attestation=ATTESTATIONS[Meaning(meaning)],
        content_sha256=digest,
    )
    signature.record_hmac = hashing.record_hmac(_fields(signature))
    try:
        with transaction.atomic():
            signature.save()
    except IntegrityError:
        raise SigningRefused("Someone signed this version a moment ago.") from None
    record(
        f"signature.{meaning}",
        actor=signer.user,
        client=client,
        obj=document,
        detail={"signature": signature.pk, "sha256": digest, "method": method},
    )
    return signature


@dataclass(frozen=True)
class Broken:
    signature: Signature
    problem: str


def check_signature(signature: Signature, document: Any) -> str:
    """Empty when the signature holds; otherwise what is wrong, in a sentence."""
    if document is None:
        return "the signed document is missing"
    if not hashing.hmac_matches(_fields(signature), signature.record_hmac):
        return "the signature record was altered"
    if hashing.content_sha256(document.signable()) != signature.content_sha256:
        return "the content no longer matches what was signed"
    return ""


def verify_all() -> Iterator[Broken]:
    for signature in Signature.objects.select_related("document_type").iterator():
        problem = check_signature(signature, signature.document)
        if problem:
            yield Broken(signature, problem)


def add_addendum(
    document: Any,
    text: str,
    *,
    signer: SignerIdentity,
    now: datetime,
    stepped_up_at: datetime | None,
    ip: str | None = None,
    user_agent: str = "",
    client: Any = None,
) -> Any:
    """Append a signed addendum to a signed `document` (its `addenda` hold number, text, the
    parent's SHA-256 and the author), which itself stays exactly as signed. The caller holds
    a row lock on the document and has checked that it is signed."""
    text = text.strip()
    if not text:
        raise SigningRefused("Write the addendum before signing it.")
    number = (document.addenda.aggregate(n=models.Max("number"))["n"] or 0) + 1
    addendum = document.addenda.create(
        number=number,
        text=text,
        parent_sha256=hashing.content_sha256(document.signable()),
        author=signer.user,
    )
    sign(
        addendum,
        signer=signer,
        meaning=Meaning.AUTHOR,
        method=step_up_method(signer.user),
        now=now,
        stepped_up_at=stepped_up_at,
        ip=ip,
        user_agent=user_agent,
        client=client,
    )
    return addendum
