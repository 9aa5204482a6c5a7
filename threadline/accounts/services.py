"""Every write to practices, people and their privileges; each change of privilege is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from threadline.accounts.models import ClinicianProfile, Membership, Practice, Role, User
from threadline.audit.services import record


@transaction.atomic
def create_practice(actor: Any, **fields: Any) -> Practice:
    practice = Practice(**fields)
    practice.full_clean()
    practice.save()
    record("practice.create", actor=actor, practice=practice, obj=practice)
    return practice


@transaction.atomic
def update_practice(actor: Any, practice: Practice, fields: dict[str, Any]) -> Practice:
    for name, value in fields.items():
        setattr(practice, name, value)
    practice.full_clean()
    practice.save()
    record(
        "practice.update",
        actor=actor,
        practice=practice,
        obj=practice,
        detail={"fields": sorted(fields)},
    )
    return practice


@transaction.atomic
def add_person(
    actor: Any,
    practice: Practice,
    *,
    email: str,
    full_name: str,
    role: str,
    password: str,
    profile: dict[str, Any] | None = None,
) -> User:
    """Create an account, its membership and (for clinical roles) its clinician profile."""
    user = User(email=email.strip().lower(), full_name=full_name.strip())
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, practice=practice, role=role)
    if profile is not None:
        clinician = ClinicianProfile(user=user, **profile)
        clinician.full_clean()
        clinician.save()
    record("user.create", actor=actor, practice=practice, obj=user, detail={"role": role})
    return user


@transaction.atomic
def change_role(actor: Any, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}.")
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        "user.role.change",
        actor=actor,
        practice=membership.practice,
        obj=membership.user,
        detail={"from": before, "to": role},
    )
    return membership


@transaction.atomic
def set_active(actor: Any, membership: Membership, active: bool) -> Membership:
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    # One practice per person, so the account follows the membership.
    membership.user.is_active = active
    membership.user.save(update_fields=["is_active"])
    record(
        "user.activate" if active else "user.deactivate",
        actor=actor,
        practice=membership.practice,
        obj=membership.user,
    )
    return membership


@transaction.atomic
def change_password(user: User, new_password: str) -> User:
    """The caller has re-checked the current password and second factor."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record("auth.password.change", actor=user, obj=user)
    return user


@transaction.atomic
def change_email(user: User, new_email: str) -> User:
    """The sign-in address; the caller has re-checked the password and second factor."""
    before = user.email
    user.email = new_email.strip().lower()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["email"])
    record("auth.email.change", actor=user, obj=user, detail={"from": before, "to": user.email})
    return user
