"""Who may open the portal: a signed-in client account, and only for its own client.

The staff policy (`threadline.access`) denies a client account everything, because it has no
practice membership; this is the mirror image. Staff get 403 here (the portal is not theirs to
use; they see the same plan in the chart). A version that is not the client's own signed one is
a 404, the same as a version that does not exist, and both are audited as denied.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from threadline.audit.models import Outcome
from threadline.audit.services import record
from threadline.plans.models import PlanVersion, VersionStatus
from threadline.portal.models import ClientAccount


def client_account_of(user: Any) -> ClientAccount | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return (
        ClientAccount.objects.select_related("client__practice", "user").filter(user=user).first()
    )


def require_client_account(user: Any) -> ClientAccount:
    account = client_account_of(user)
    if account is None:
        record("access.portal", actor=user, outcome=Outcome.DENIED)
        raise PermissionDenied
    return account


def version_for(account: ClientAccount, version_id: int) -> PlanVersion:
    """One of the client's own signed plan versions; drafts are the clinician's, never shown."""
    version = (
        PlanVersion.objects.select_related("plan__client__practice", "author")
        .filter(pk=version_id, plan__client=account.client_id, status=VersionStatus.SIGNED)
        .first()
    )
    if version is None:
        record(
            "portal.plan.view",
            actor=account.user,
            practice=account.client.practice,
            object_type="plans.planversion",
            object_id=version_id,
            outcome=Outcome.DENIED,
            detail={"reason": "not visible"},
        )
        raise Http404("No such plan.")
    return version
