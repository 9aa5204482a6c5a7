"""Plain factories for portal tests: a signed plan version, and a client account."""

from __future__ import annotations

from django.utils import timezone

from threadline.accounts.models import User
from threadline.clients.models import Client
from threadline.conftest import PASSWORD
from threadline.plans import services as plan_services
from threadline.plans.models import PlanVersion
from threadline.plans.samples import complete_plan
from threadline.portal.models import ClientAccount


def signed_version(client: Client, clinician: User | None = None) -> PlanVersion:
    """Start a plan, or revise the one in force, and sign it as its clinician."""
    author = clinician or client.primary_clinician
    today = timezone.localdate()
    in_force = plan_services.signed_version_in_force(client)
    if in_force is None:
        draft = plan_services.start_plan(author, client, today=today)
    else:
        draft = plan_services.revise(author, in_force, reason="scheduled_review", note="Review.")
    draft = plan_services.save_draft(
        author, draft, complete_plan(draft.content, today), lock_version=draft.lock_version
    )
    return plan_services.sign_version(author, draft, stepped_up_at=timezone.now())


def client_account(client: Client, email: str = "") -> ClientAccount:
    user = User.objects.create_user(
        email or f"client-{client.record_number.lower()}@example.test",
        PASSWORD,
        full_name=client.display_name,
    )
    return ClientAccount.objects.create(user=user, client=client)
