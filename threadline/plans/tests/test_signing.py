from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from threadline.accounts.models import User
from threadline.audit.models import AuditEvent
from threadline.cli import main
from threadline.clients.models import Client
from threadline.conftest import PASSWORD, current_code, signed_in
from threadline.plans import checks, services
from threadline.plans.models import FrozenContentError, PlanVersion
from threadline.plans.samples import complete_plan
from threadline.signatures.models import Meaning, Signature
from threadline.signatures.services import SigningRefused, signatures_of


@pytest.fixture
def draft(owner: User, client_record: Client) -> PlanVersion:
    version = services.start_plan(owner, client_record, today=timezone.localdate())
    version.content = complete_plan(version.content, timezone.localdate())
    version.save()
    return version


def test_a_complete_draft_has_no_blocking_findings(draft: PlanVersion, owner: User) -> None:
    checked = checks.check(draft, today=timezone.localdate(), prospective_signer=owner)
    assert [f.code for f in checked.blocking] == []


def test_signing_freezes_the_version_and_binds_the_hash(
    draft: PlanVersion, owner: User, client_record: Client
) -> None:
    url = reverse("plan_sign", args=[client_record.pk, draft.pk])
    response = signed_in(owner).post(
        url, {"password": PASSWORD, "code": current_code(owner), "attest": "on"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "signed"
    signature = Signature.objects.get()
    assert (signature.meaning, signature.printed_name, signature.credentials) == (
        "author",
        "Owner",
        "APC",
    )
    # The signing page asked for the authenticator's code too, and the record says so.
    assert signature.method == "password_totp"
    assert AuditEvent.objects.filter(action="signature.author", client=client_record).exists()
    draft.content["background"]["symptoms"] = "changed"
    with pytest.raises(FrozenContentError):
        draft.save()


def test_a_wrong_password_signs_nothing(
    draft: PlanVersion, owner: User, client_record: Client
) -> None:
    url = reverse("plan_sign", args=[client_record.pk, draft.pk])
    response = signed_in(owner).post(url, {"password": "not my password", "attest": "on"})
    assert "That password is not right" in response.content.decode()
    assert not Signature.objects.exists()


def test_signing_is_blocked_while_errors_remain(owner: User, client_record: Client) -> None:
    version = services.start_plan(owner, client_record, today=timezone.localdate())
    with pytest.raises(SigningRefused, match="error"):
        services.sign_version(owner, version, stepped_up_at=timezone.now())
    assert not Signature.objects.exists()


def test_a_signer_without_an_authenticator_is_recorded_as_password_only(
    draft: PlanVersion, owner: User
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    assert Signature.objects.get().method == "password"


def test_a_stale_step_up_is_refused(draft: PlanVersion, owner: User) -> None:
    with pytest.raises(SigningRefused, match="password"):
        services.sign_version(owner, draft, stepped_up_at=timezone.now() - timedelta(minutes=3))


def test_the_supervisor_co_signs_the_same_content(
    draft: PlanVersion, owner: User, supervisor: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    url = reverse("plan_sign", args=[client_record.pk, draft.pk])
    response = signed_in(supervisor).post(
        url, {"password": PASSWORD, "code": current_code(supervisor), "attest": "on"}
    )
    assert response.status_code == 302
    author, cosign = Signature.objects.order_by("id")
    assert cosign.meaning == Meaning.SUPERVISOR
    assert cosign.content_sha256 == author.content_sha256


def test_a_colleague_cannot_co_sign(
    draft: PlanVersion, owner: User, colleague: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    client_record.care_team.add(colleague)
    with pytest.raises(SigningRefused, match="supervisor"):
        services.cosign_version(
            colleague, draft, meaning=Meaning.SUPERVISOR, stepped_up_at=timezone.now()
        )


def test_changing_one_byte_in_the_database_breaks_verify(
    draft: PlanVersion, owner: User, client_record: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    assert main(["verify"]) == 0
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE plans_planversion SET content = '{}' WHERE id = %s", [draft.pk])
    # Someone with rights to drop the trigger edits the row anyway; verify must notice.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER plan_version_frozen")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
    as_text = "content::text" if connection.vendor == "postgresql" else "content"
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE plans_planversion SET content = REPLACE({as_text}, 'weekly', 'Weekly'){cast} "  # noqa: S608
            "WHERE id = %s",
            [draft.pk],
        )
    assert main(["verify"]) == 1
    assert "content no longer matches" in capsys.readouterr().out
    page = signed_in(owner).get(reverse("plan_version", args=[client_record.pk, draft.pk]))
    assert "Signature invalid" in page.content.decode()


def test_revising_a_signed_version_keeps_ids_and_records_the_reason(
    draft: PlanVersion, owner: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    url = reverse("plan_revise", args=[client_record.pk, draft.pk])
    signed_in(owner).post(url, {"reason": "scheduled_review", "note": "90-day review"})
    second = PlanVersion.objects.get(number=2)
    assert (second.status, second.revision_reason, second.based_on) == (
        "draft",
        "scheduled_review",
        draft,
    )
    ids = [o["id"] for p in second.content["problems"] for o in p["objectives"]]
    assert ids == [o["id"] for p in draft.content["problems"] for o in p["objectives"]]
    diff = signed_in(owner).get(reverse("plan_diff", args=[client_record.pk]))
    assert diff.context["older"] == draft and diff.context["newer"] == second


def test_an_addendum_is_signed_and_leaves_the_version_unchanged(
    draft: PlanVersion, owner: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    before = draft.signable()
    url = reverse("plan_addendum", args=[client_record.pk, draft.pk])
    response = signed_in(owner).post(
        url,
        {
            "text": "Client asked to add weekend shifts.",
            "password": PASSWORD,
            "code": current_code(owner),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.signable() == before
    addendum = draft.addenda.get()
    (author,) = signatures_of(draft)
    assert addendum.parent_sha256 == author.content_sha256
    page = signed_in(owner).get(reverse("plan_version", args=[client_record.pk, draft.pk]))
    assert "Addendum 1" in page.content.decode()
    assert "Signature invalid" not in page.content.decode()


def test_the_supervisor_queue_lists_what_waits_and_empties_after_co_signing(
    draft: PlanVersion, owner: User, supervisor: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    assert services.waiting_for_cosign(supervisor) == [draft]
    version_page = reverse("plan_version", args=[client_record.pk, draft.pk])
    assert "not final until the supervisor" in signed_in(owner).get(version_page).content.decode()
    page = signed_in(supervisor).get(reverse("cosign_queue")).content.decode()
    assert "Review and co-sign" in page
    services.cosign_version(
        supervisor, draft, meaning=Meaning.SUPERVISOR, stepped_up_at=timezone.now()
    )
    assert services.waiting_for_cosign(supervisor) == []


def test_the_chart_says_signature_invalid_after_tampering(
    draft: PlanVersion, owner: User, client_record: Client
) -> None:
    services.sign_version(owner, draft, stepped_up_at=timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER plan_version_frozen")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE plans_planversion SET number = 7 WHERE id = %s", [draft.pk])
    page = signed_in(owner).get(reverse("client_chart", args=[client_record.pk]))
    assert "Signature invalid" in page.content.decode()
