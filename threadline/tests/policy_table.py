"""The permission matrix: what every role should get from every route, as the policy is designed.

One client of one practice, seen by ten roles (reliability-security.md §8):

- clinician: the client's primary clinician (treats: reads and edits everything clinical);
- colleague: a clinician of the same practice outside the care team (the client is a 404);
- supervisor: the clinician's supervisor (reads and co-signs, never edits);
- admin: the practice admin (demographics and practice pages, never clinical content);
- client: the client's own portal account (the portal only);
- reviewer: an insurance reviewer with an open review case for the client (its /reviewer/ pages);
- collaborator: a collaborating clinician with an active authorization (its /reviewer/ pages);
- break_glass: a designated colleague with an open emergency grant (reads, never edits);
- anonymous: no session (sent to sign in; the API answers 401);
- deactivated: the clinician after the practice admin deactivated them (as if signed out).

The rows below come from the policy (threadline/access.py and the reader and portal policies),
not from what the code answers today. Where the code differs, the single cell is listed in
KNOWN_GAPS with its reason, so the matrix test stays green and the gap stays visible.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"  # 2xx, a 3xx that is not to sign-in, or the route's own 400/422 on an empty body
    LOGIN = "login"  # sent to sign in (or the second factor); 401 from the API
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not found"  # 404
    CONFLICT = "conflict"  # 409: an invitation link opened in a browser already signed in


OK, LOGIN, FORBIDDEN, NOT_FOUND, CONFLICT = (
    Outcome.OK,
    Outcome.LOGIN,
    Outcome.FORBIDDEN,
    Outcome.NOT_FOUND,
    Outcome.CONFLICT,
)

ROLES = (
    "clinician",
    "colleague",
    "supervisor",
    "admin",
    "client",
    "reviewer",
    "collaborator",
    "break_glass",
    "anonymous",
    "deactivated",
)

Row = dict[str, Outcome]


def row(**outcomes: Outcome) -> Row:
    """A policy row: every one of the ten roles named, none left to a default."""
    assert tuple(outcomes) == ROLES, f"a row names the roles in order: {ROLES}"
    return outcomes


# --- pages anyone may open, and the signed-in person's own account ----------------------------

# The sign-in page and the API's description.
PUBLIC = row(
    clinician=OK,
    colleague=OK,
    supervisor=OK,
    admin=OK,
    client=OK,
    reviewer=OK,
    collaborator=OK,
    break_glass=OK,
    anonymous=OK,
    deactivated=OK,
)
# Signing out ends on the sign-in page, whoever asks.
SIGN_OUT = row(
    clinician=LOGIN,
    colleague=LOGIN,
    supervisor=LOGIN,
    admin=LOGIN,
    client=LOGIN,
    reviewer=LOGIN,
    collaborator=LOGIN,
    break_glass=LOGIN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Invitation links (outside readers, the portal's link and its join-by-code page): the link or
# code is the credential, so they are public, but they must not replace a session already open
# in the browser (409).
INVITATION = row(
    clinician=CONFLICT,
    colleague=CONFLICT,
    supervisor=CONFLICT,
    admin=CONFLICT,
    client=CONFLICT,
    reviewer=CONFLICT,
    collaborator=CONFLICT,
    break_glass=CONFLICT,
    anonymous=OK,
    deactivated=OK,
)
# The account pages belong to whoever is signed in: staff, client or outside reader.
ACCOUNT = row(
    clinician=OK,
    colleague=OK,
    supervisor=OK,
    admin=OK,
    client=OK,
    reviewer=OK,
    collaborator=OK,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# The landing page sends each kind of person on to their own start page.
HOME = ACCOUNT

# --- staff pages that name no client ------------------------------------------------------------

# Any member of the practice: caseload, code look-up, library, work queue, tokens, outcomes.
STAFF = row(
    clinician=OK,
    colleague=OK,
    supervisor=OK,
    admin=OK,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# A clinician's own schedule: clinical, so not the practice admin's.
CLINICAL_STAFF = row(
    clinician=OK,
    colleague=OK,
    supervisor=OK,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# People, settings, audit log, library editing, designations, the break-glass review.
PRACTICE_ADMIN = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=OK,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Managing the practice's library entries (threadline/library/permissions.py): supervisors and
# the admin; entries hold no client data, so the admin's bar on clinical content does not apply.
LIBRARY_MANAGE = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=OK,
    admin=OK,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
SUPERVISOR_PAGE = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=OK,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Opening emergency access: only a designated member (here break_glass).
BREAK_GLASS_OPEN = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Ending one's own grant: anyone else's grant is not theirs to know about.
BREAK_GLASS_END = row(
    clinician=NOT_FOUND,
    colleague=NOT_FOUND,
    supervisor=NOT_FOUND,
    admin=NOT_FOUND,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Revoking one's own API token (the clinician's): another member's token is a 404. The token
# pages are staff pages, so people without a membership are refused them whatever the id (403).
OWN_TOKEN = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=NOT_FOUND,
    admin=NOT_FOUND,
    client=FORBIDDEN,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=NOT_FOUND,
    anonymous=LOGIN,
    deactivated=LOGIN,
)

# --- pages below the client -----------------------------------------------------------------

# The chart header and the client's outside-access overview (Action.CLIENT_VIEW).
CLIENT_DEMOGRAPHICS = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=OK,
    admin=OK,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Editing the header, running review cases (Action.CLIENT_EDIT): treating clinician and admin.
CLIENT_DEMOGRAPHICS_EDIT = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=FORBIDDEN,
    admin=OK,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# Plans, notes, measures, sessions, rights requests: read (Action.CLINICAL_VIEW).
CLINICAL_READ = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=OK,
    admin=FORBIDDEN,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# The same, written (Action.CLINICAL_EDIT): the supervisor and break-glass only read.
CLINICAL_WRITE = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# The sign page of a document its author has already signed is the supervisor's co-signature
# (Action.COSIGN): neither the author nor break-glass may add it.
COSIGN = row(
    clinician=FORBIDDEN,
    colleague=NOT_FOUND,
    supervisor=OK,
    admin=FORBIDDEN,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# One psychotherapy note, or a release of some under the client's authorization: its author alone
# knows it exists (45 CFR 164.501, 164.508(a)(2)), admin included.
PSYCHOTHERAPY_NOTE = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=NOT_FOUND,
    admin=NOT_FOUND,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=NOT_FOUND,
    anonymous=LOGIN,
    deactivated=LOGIN,
)

# --- the client's portal ----------------------------------------------------------------------

PORTAL = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=OK,
    reviewer=FORBIDDEN,
    collaborator=FORBIDDEN,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)

# --- outside readers' pages (/reviewer/) ------------------------------------------------------

READER_HOME = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=OK,
    collaborator=OK,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# A review case and the documents it attaches: its reviewer only; another reader gets 404.
REVIEWER_PAGE = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=OK,
    collaborator=NOT_FOUND,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
# An authorization and what its scope covers: its collaborator only.
COLLABORATOR_PAGE = row(
    clinician=FORBIDDEN,
    colleague=FORBIDDEN,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=FORBIDDEN,
    reviewer=NOT_FOUND,
    collaborator=OK,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)

# --- the JSON API (/api/v1): staff tokens only; no token, or a refused one, is a 401 ----------

# The API's root and paths it does not serve: its 404 body, to anyone.
API_NO_ROUTE = row(
    clinician=NOT_FOUND,
    colleague=NOT_FOUND,
    supervisor=NOT_FOUND,
    admin=NOT_FOUND,
    client=NOT_FOUND,
    reviewer=NOT_FOUND,
    collaborator=NOT_FOUND,
    break_glass=NOT_FOUND,
    anonymous=NOT_FOUND,
    deactivated=NOT_FOUND,
)
# Routes of the practice that name no client: the client list, codes, the checkers.
API_STAFF = row(
    clinician=OK,
    colleague=OK,
    supervisor=OK,
    admin=OK,
    client=LOGIN,
    reviewer=LOGIN,
    collaborator=LOGIN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
API_CLIENT_DEMOGRAPHICS = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=OK,
    admin=OK,
    client=LOGIN,
    reviewer=LOGIN,
    collaborator=LOGIN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
API_CLINICAL_READ = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=OK,
    admin=FORBIDDEN,
    client=LOGIN,
    reviewer=LOGIN,
    collaborator=LOGIN,
    break_glass=OK,
    anonymous=LOGIN,
    deactivated=LOGIN,
)
API_CLINICAL_WRITE = row(
    clinician=OK,
    colleague=NOT_FOUND,
    supervisor=FORBIDDEN,
    admin=FORBIDDEN,
    client=LOGIN,
    reviewer=LOGIN,
    collaborator=LOGIN,
    break_glass=FORBIDDEN,
    anonymous=LOGIN,
    deactivated=LOGIN,
)


def _rows(row_: Row, *names: str) -> dict[str, Row]:
    return dict.fromkeys(names, row_)


# Every route name (Django URL names, the API's under "api:"), and its row.
POLICY: dict[str, Row] = {
    **_rows(PUBLIC, "login", "api:openapi-json"),
    **_rows(SIGN_OUT, "logout"),
    **_rows(INVITATION, "reviewer_accept", "portal_accept", "portal_join"),
    **_rows(HOME, "home"),
    **_rows(
        ACCOUNT,
        "mfa_verify",
        "mfa_enrol",
        "account_security",
        "account_password",
        "account_email",
        "account_backup_codes",
        "account_reset_mfa",
    ),
    **_rows(
        STAFF,
        "caseload",
        "client_new",
        "icd_browser",
        "icd_search",
        "library_index",
        "library_search",
        "library_entry",
        "practice_outcomes",
        "work_queue",
        "api_tokens",
    ),
    **_rows(CLINICAL_STAFF, "schedule_day", "schedule_week"),
    **_rows(
        PRACTICE_ADMIN,
        "practice_settings",
        "people",
        "person_new",
        "person_role",
        "person_active",
        "person_mfa_reset",
        "audit_log",
        "practice_access",
        "break_glass_designation",
        "break_glass_report",
        "break_glass_reviewed",
    ),
    **_rows(
        LIBRARY_MANAGE,
        "library_entry_new",
        "library_entry_copy",
        "library_entry_edit",
        "library_entry_retire",
        "library_entry_restore",
    ),
    **_rows(SUPERVISOR_PAGE, "cosign_queue"),
    **_rows(BREAK_GLASS_OPEN, "break_glass_open"),
    **_rows(BREAK_GLASS_END, "break_glass_end"),
    **_rows(OWN_TOKEN, "api_token_revoke"),
    **_rows(CLIENT_DEMOGRAPHICS, "client_chart", "client_access"),
    **_rows(
        CLIENT_DEMOGRAPHICS_EDIT,
        "client_edit",
        "review_case_new",
        "review_case_detail",
        "review_case_close",
        "review_case_invite",
    ),
    **_rows(
        CLINICAL_READ,
        "plan_home",
        "plan_diff",
        "plan_version",
        "plan_json",
        "plan_pdf",
        "client_notes",
        "thread_report",
        "note_view",
        "note_pdf",
        "appointment_list",
        "measures_home",
        "client_rights",
        "client_record_request",
        "client_amendment_request",
    ),
    **_rows(
        CLINICAL_WRITE,
        "plan_start",
        "plan_edit",
        "plan_autosave",
        "plan_revise",
        "plan_sign",
        "plan_library",
        "plan_addendum",
        "discharge_start",
        "session_note",
        "intake_plan",
        "note_autosave",
        "note_sign",
        "note_addendum",
        "appointment_new",
        "appointment_edit",
        "appointment_status",
        "measure_schedule",
        "measure_give",
        "measure_send",
        "alert_clear",
        "portal_invite",
        # Psychotherapy notes are written by a treating clinician about their own sessions;
        # even the list (of the reader's own notes) is theirs alone, not a supervisor's read.
        "client_psychotherapy_notes",
        "psychotherapy_note_new",
        "psychotherapy_note_release_new",
        "authorization_new",
        "authorization_revoke",
        "authorization_invite",
    ),
    **_rows(
        PSYCHOTHERAPY_NOTE,
        "psychotherapy_note_view",
        "psychotherapy_note_edit",
        "psychotherapy_note_delete",
        # A release under the client's authorization names the author's notes: as private.
        "psychotherapy_note_release_view",
        "psychotherapy_note_release_pdf",
        "psychotherapy_note_release_revoke",
    ),
    **_rows(
        PORTAL,
        "portal_home",
        "portal_plan",
        "portal_agree",
        "portal_print",
        "portal_plan_pdf",
        "portal_questionnaire",
        "portal_questionnaire_open",
        "portal_rights",
        "portal_record_new",
        "portal_record",
        "portal_record_pdf",
        "portal_record_fhir",
        "portal_amendment_new",
        "portal_amendment",
        "portal_disclosures",
    ),
    **_rows(READER_HOME, "reviewer_home"),
    **_rows(
        REVIEWER_PAGE,
        "reviewer_case",
        "reviewer_plan",
        "reviewer_plan_pdf",
        "reviewer_note",
        "reviewer_note_pdf",
    ),
    **_rows(
        COLLABORATOR_PAGE,
        "collaborator_client",
        "collaborator_plan",
        "collaborator_plan_pdf",
        "collaborator_note",
        "collaborator_note_pdf",
        "collaborator_measures",
    ),
    **_rows(API_NO_ROUTE, "api:api-root", "api:no-such-route"),
    **_rows(
        API_STAFF, "api:client_list", "api:billing_codes", "api:findings_plan", "api:findings_note"
    ),
    **_rows(API_CLIENT_DEMOGRAPHICS, "api:client_detail"),
    **_rows(
        API_CLINICAL_READ,
        "api:plan_list",
        "api:plan_detail",
        "api:note_list",
        "api:note_detail",
        "api:session_list",
        "api:measure_list",
    ),
    **_rows(API_CLINICAL_WRITE, "api:session_create"),
}

# The routes whose answer depends on the document's state: the rows above are for a draft (the
# access cases build drafts); these are for the same route on a signed document.
SIGNED_POLICY: dict[str, Row] = {"plan_sign": COSIGN, "note_sign": COSIGN}

# Cells where the app answers otherwise than the policy: (route, role) -> (actual, why); a
# signed-document cell is named "<route> (signed)".
# Each is a finding to fix in the app, not a change of policy; the matrix test checks that the
# app still answers exactly `actual` there, so a fix shows up as a stale entry to remove.
KNOWN_GAPS: dict[tuple[str, str], tuple[Outcome, str]] = {}
