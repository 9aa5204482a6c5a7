"""Who may open the library's pages (collected by threadline/tests/test_access_coverage.py).

The routes that take an entry id make an entry in the test client's practice. They are marked
`member_scoped` for what that flag asserts, that another practice gets a 404; the id is an entry's,
not a membership's.
"""

from __future__ import annotations

from threadline.library.tests.factories import practice_entry_url
from threadline.tests.access import Case

CASES: dict[str, Case] = {
    "library_index": Case(),
    "library_search": Case(),
    "library_entry": Case(member_scoped=True, build_url=practice_entry_url("library_entry")),
    "library_entry_new": Case(practice_admin_only=True),
    "library_entry_copy": Case(
        member_scoped=True,
        practice_admin_only=True,
        build_url=practice_entry_url("library_entry_copy"),
    ),
    "library_entry_edit": Case(
        member_scoped=True,
        practice_admin_only=True,
        build_url=practice_entry_url("library_entry_edit"),
    ),
    "library_entry_retire": Case(
        method="post",
        member_scoped=True,
        practice_admin_only=True,
        build_url=practice_entry_url("library_entry_retire"),
    ),
    "library_entry_restore": Case(
        method="post",
        member_scoped=True,
        practice_admin_only=True,
        build_url=practice_entry_url("library_entry_restore"),
    ),
}
