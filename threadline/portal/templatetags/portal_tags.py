"""What the staff plan version page shows of the client's agreement (portal/_agreement_actions)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from threadline.plans.models import PlanVersion
from threadline.plans.services import signed_version_in_force
from threadline.portal import services
from threadline.portal.models import ClientAccount, Invitation
from threadline.signatures.models import Signature

register = template.Library()


@dataclass(frozen=True)
class AgreementStatus:
    agreement: Signature | None
    account: ClientAccount | None
    open_invitation: Invitation | None
    in_force: bool  # only the version in force can still be agreed to


@register.simple_tag
def agreement_status(version: PlanVersion) -> AgreementStatus:
    client = version.plan.client
    in_force = signed_version_in_force(client)
    return AgreementStatus(
        agreement=services.agreement_of(version),
        account=services.existing_account(client),
        open_invitation=services.open_invitation_of(client),
        in_force=in_force is not None and in_force.pk == version.pk,
    )
