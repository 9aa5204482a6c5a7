"""Access cases for /account/.

The account pages belong to whoever is signed in, staff, outside reader or client alike, so no
role is refused them; `public=True` keeps them out of the staff-only and portal-only page tests
(a signed-out visitor is still sent to sign in: they are `login_required`). The second step and
enrolment are also reached mid-login, before the second factor. test_mfa.py checks them all.
"""

from __future__ import annotations

from threadline.tests.access import Case

CASES: dict[str, Case] = {
    "mfa_verify": Case(public=True),
    "mfa_enrol": Case(public=True),
    "account_security": Case(public=True),
    "account_password": Case(method="post", public=True),
    "account_email": Case(method="post", public=True),
    "account_backup_codes": Case(method="post", public=True),
    "account_reset_mfa": Case(method="post", public=True),
    "person_mfa_reset": Case(method="post", member_scoped=True, practice_admin_only=True),
}
