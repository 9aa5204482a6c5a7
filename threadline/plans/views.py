from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.accounts.models import Role
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.plans import checks, services
from threadline.plans import content as plan_content
from threadline.plans.forms import EDITOR_CHOICES, AddendumForm, ReviseForm, SignForm
from threadline.plans.models import PlanVersion
from threadline.rules.modalities import MODALITIES
from threadline.rules.review import review_state
from threadline.rules.smart import known_set
from threadline.signatures.models import Meaning
from threadline.signatures.services import ATTESTATIONS, SigningRefused


def _version(request: Request, client_id: int, version_id: int, action: Action) -> PlanVersion:
    client = access.client_for(request.user, client_id, action)
    return get_object_or_404(
        PlanVersion.objects.select_related(
            "plan__client__practice", "plan__client__payer", "author", "updated_by"
        ),
        pk=version_id,
        plan__client=client,
    )


def _library_texts() -> frozenset[str]:
    """Library goals and objectives, normalised the way the SMART lint compares them."""
    from threadline.library.services import library_texts

    return known_set(library_texts())


def _editor_context(version: PlanVersion, body: dict[str, Any] | None = None) -> dict[str, Any]:
    if body is not None:
        version.content = body  # show what was typed, even when it could not be saved
    # Counted as if the author signed today: what is left is what stops them signing.
    checked = checks.check(
        version,
        today=timezone.localdate(),
        known_texts=_library_texts(),
        prospective_signer=version.author if version.is_draft else None,
    )
    return {
        "client": version.plan.client,
        "version": version,
        "content": version.content,
        "checked": checked,
        "by_field": _by_field(checked),
        "modalities": [m.name for m in MODALITIES],
        **EDITOR_CHOICES,
    }


def _by_field(checked: checks.Checked) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for finding in checked.findings:
        grouped.setdefault(finding.field, []).append(finding)
    return grouped


@login_required
def plan_home(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    versions = list(
        PlanVersion.objects.filter(plan__client=client)
        .select_related("author")
        .order_by("-plan__created_at", "-number")
    )
    services.view_list(request.user, client)
    signed = next((v for v in versions if not v.is_draft), None)
    due = checks.review_due(signed) if signed else None
    return render(
        request,
        "plans/home.html",
        {
            "client": client,
            "versions": versions,
            "draft": next((v for v in versions if v.is_draft), None),
            "signed": signed,
            "review_due": due,
            "review_state": review_state(due, timezone.localdate()) if due else None,
            "can_edit": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )


@login_required
@require_POST
def plan_start(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    existing = services.current_version(client)
    if existing is not None and existing.is_draft:
        return redirect("plan_edit", client_id=client.pk, version_id=existing.pk)
    version = services.start_plan(request.user, client, today=timezone.localdate())
    return redirect("plan_edit", client_id=client.pk, version_id=version.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: Request, client_id: int, version_id: int) -> HttpResponse:
    version = _version(request, client_id, version_id, Action.CLINICAL_EDIT)
    if not version.is_draft:
        messages.info(request, "This version is signed and read-only. Revise it to make changes.")
        return redirect("plan_version", client_id=client_id, version_id=version.pk)
    if request.method == "GET":
        services.view_version(request.user, version, "edit")
        return render(request, "plans/editor.html", _editor_context(version))
    body = plan_content.from_form(request.POST)
    action = request.POST.get("action", "")
    if action.startswith("library:"):
        body = _insert_from_library(request, body, action.removeprefix("library:"))
    elif action:
        body = plan_content.apply(body, action)
    return _save_and_render(request, version, body, "plans/editor.html")


def _insert_from_library(request: Request, body: dict[str, Any], entry_id: str) -> dict[str, Any]:
    from threadline.library.models import LibraryEntry
    from threadline.library.services import entry_as_problem

    practice = access.require_membership(request.user).practice
    entry = (
        LibraryEntry.objects.visible_to(practice).current().filter(pk=entry_id).first()
        if entry_id.isdigit()
        else None
    )
    if entry is None:
        messages.error(request, "That library entry is not available; nothing was inserted.")
        return body
    starting = body.get("session", {}).get("date_of_service")
    day = parse_date(starting) if isinstance(starting, str) else None
    messages.info(
        request,
        f"Inserted “{entry.title}” as a starting point: make each goal and objective this "
        "client's own; text left as in the library is flagged.",
    )
    return plan_content.add_problem_from(body, entry_as_problem(entry, day))


@login_required
def plan_library(request: Request, client_id: int, version_id: int) -> HttpResponse:
    """Library search results with an Insert button that posts the editor's form."""
    from threadline.library.models import LibraryEntry

    version = _version(request, client_id, version_id, Action.CLINICAL_EDIT)
    practice = access.require_membership(request.user).practice
    query = request.GET.get("q", "").strip()[:100]
    entries = (
        list(LibraryEntry.objects.visible_to(practice).current().search(query)[:12])
        if query
        else []
    )
    return render(
        request,
        "plans/_library_results.html",
        {"entries": entries, "query": query, "version": version, "client": version.plan.client},
    )


@login_required
@require_POST
def plan_autosave(request: Request, client_id: int, version_id: int) -> HttpResponse:
    version = _version(request, client_id, version_id, Action.CLINICAL_EDIT)
    if not version.is_draft:
        return render(request, "plans/_signed_notice.html", {"version": version}, status=409)
    body = plan_content.from_form(request.POST)
    return _save_and_render(request, version, body, "plans/_autosaved.html")


def _save_and_render(
    request: Request, version: PlanVersion, body: dict[str, Any], template: str
) -> HttpResponse:
    # "Keep mine" after a conflict posts the other person's lock, deliberately saving over it.
    raw_lock = request.POST.get("overwrite_lock") or request.POST.get("lock_version", "")
    lock = int(raw_lock) if raw_lock.isdigit() else -1
    try:
        version = services.save_draft(request.user, version, body, lock_version=lock)
    except services.DraftConflict as conflict:
        theirs = conflict.current
        changes = _changes(plan_content.flatten(theirs.content), plan_content.flatten(body))
        context = _editor_context(theirs, body)
        context.update(conflict=True, theirs=theirs, changes=changes)
        return render(request, "plans/_conflict.html" if request.htmx else template, context)
    if not request.htmx:
        # Post/redirect/get: reloading the page must not post a stale form again.
        return redirect("plan_edit", client_id=version.plan.client_id, version_id=version.pk)
    return render(request, template, {**_editor_context(version), "saved_at": version.updated_at})


def _changes(before: dict[str, str], after: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"field": key, "old": before.get(key, ""), "new": after.get(key, "")}
        for key in sorted(set(before) | set(after), key=_diff_order)
        if before.get(key) != after.get(key)
    ]


@login_required
def plan_version(request: Request, client_id: int, version_id: int) -> HttpResponse:
    version = _version(request, client_id, version_id, Action.CLINICAL_VIEW)
    services.view_version(request.user, version)
    client = version.plan.client
    signatures = services.signature_views(version)
    meanings = {s.meaning for s in signatures}
    can_edit = access.can(request.user, Action.CLINICAL_EDIT, client)
    return render(
        request,
        "plans/version.html",
        {
            **_editor_context(version),
            "signatures": signatures,
            "addenda": services.addendum_views(version),
            "awaiting_cosign": services.awaiting_cosign(version, signatures),
            "review_due": checks.review_due(version) if not version.is_draft else None,
            "can_edit": can_edit,
            "can_sign": version.is_draft and version.author_id == request.user.pk,
            "can_cosign": not version.is_draft
            and Meaning.SUPERVISOR not in meanings
            and access.can(request.user, Action.COSIGN, client),
            "can_attest": not version.is_draft
            and can_edit
            and not meanings & {Meaning.CLIENT_AGREEMENT, Meaning.TELEHEALTH_ATTESTATION},
        },
    )


@login_required
def plan_json(request: Request, client_id: int, version_id: int) -> HttpResponse:
    """The version in the schema `threadline check` reads: same facts, same findings."""
    version = _version(request, client_id, version_id, Action.CLINICAL_VIEW)
    services.view_version(request.user, version, "export")
    document = checks.to_facts(version).to_dict()
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    name = f"plan-{version.plan.client.record_number}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def plan_pdf(request: Request, client_id: int, version_id: int) -> HttpResponse:
    """The version as a payer-ready PDF: identifiers and page numbers on every page."""
    from threadline.exports.pdf import plan_pdf as render

    version = _version(request, client_id, version_id, Action.CLINICAL_VIEW)
    data = render(version)
    services.view_version(request.user, version, "pdf")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"plan-{version.plan.client.record_number}-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_revise(request: Request, client_id: int, version_id: int) -> HttpResponse:
    version = _version(request, client_id, version_id, Action.CLINICAL_EDIT)
    if version.is_draft:
        return redirect("plan_edit", client_id=client_id, version_id=version.pk)
    form = ReviseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        draft = services.revise(
            request.user,
            version,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        return redirect("plan_edit", client_id=client_id, version_id=draft.pk)
    return render(
        request,
        "plans/revise.html",
        {"form": form, "version": version, "client": version.plan.client},
    )


@login_required
def plan_diff(request: Request, client_id: int) -> HttpResponse:
    client: Client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    versions = list(
        PlanVersion.objects.filter(plan__client=client).order_by("plan__created_at", "number")
    )
    by_id = {str(v.pk): v for v in versions}
    older = by_id.get(request.GET.get("a", ""))
    newer = by_id.get(request.GET.get("b", ""))
    if (older is None or newer is None) and len(versions) >= 2:
        older, newer = versions[-2], versions[-1]
    rows: list[dict[str, str]] = []
    if older is not None and newer is not None:
        rows = _changes(plan_content.flatten(older.content), plan_content.flatten(newer.content))
        services.view_diff(request.user, client, older, newer)
    return render(
        request,
        "plans/diff.html",
        {"client": client, "versions": versions, "older": older, "newer": newer, "rows": rows},
    )


def _diff_order(key: str) -> tuple[int, str]:
    sections = ("session", "diagnoses", "background", "recommendation", "problems")
    for index, section in enumerate(sections):
        if key.startswith(section):
            return index, key
    return len(sections), key


def _request_origin(request: Request) -> dict[str, Any]:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", ""),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_sign(request: Request, client_id: int, version_id: int) -> HttpResponse:
    """Show exactly what will be signed and its findings; sign with the password again."""
    version = _version(request, client_id, version_id, Action.CLINICAL_VIEW)
    meaning = _meaning_for(request, version)
    needed = Action.COSIGN if meaning == Meaning.SUPERVISOR else Action.CLINICAL_EDIT
    access.client_for(request.user, client_id, needed)
    form = SignForm(
        request.POST or None,
        user=request.user,
        attestation=ATTESTATIONS[meaning],
        initial={"lock_version": version.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if meaning == Meaning.AUTHOR:
                services.sign_version(
                    request.user,
                    version,
                    stepped_up_at=timezone.now(),
                    known_texts=_library_texts(),
                    shown_lock=form.cleaned_data.get("lock_version"),
                    **_request_origin(request),
                )
            else:
                services.cosign_version(
                    request.user,
                    version,
                    meaning=meaning,
                    stepped_up_at=timezone.now(),
                    **_request_origin(request),
                )
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            done = {
                Meaning.AUTHOR: f"Version {version.number} signed.",
                Meaning.SUPERVISOR: f"Co-signature on version {version.number} recorded.",
                Meaning.TELEHEALTH_ATTESTATION: "The client's agreement by telehealth is recorded.",
            }
            messages.success(request, done[meaning])
            return redirect("plan_version", client_id=client_id, version_id=version.pk)
    context = _editor_context(version)
    if meaning == Meaning.AUTHOR and version.is_draft:
        context["checked"] = checks.check(
            version,
            today=timezone.localdate(),
            known_texts=_library_texts(),
            prospective_signer=request.user,
        )
    return render(
        request,
        "plans/sign.html",
        {
            **context,
            "form": form,
            "meaning": meaning,
            "signatures": services.signature_views(version),
        },
    )


def _meaning_for(request: Request, version: PlanVersion) -> Meaning:
    if version.is_draft:
        return Meaning.AUTHOR
    if request.GET.get("as") == "telehealth" or request.POST.get("as") == "telehealth":
        return Meaning.TELEHEALTH_ATTESTATION
    return Meaning.SUPERVISOR


@login_required
@require_http_methods(["GET", "POST"])
def plan_addendum(request: Request, client_id: int, version_id: int) -> HttpResponse:
    version = _version(request, client_id, version_id, Action.CLINICAL_EDIT)
    if version.is_draft:
        return redirect("plan_edit", client_id=client_id, version_id=version.pk)
    form = AddendumForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_addendum(
                request.user,
                version,
                form.cleaned_data["text"],
                stepped_up_at=timezone.now(),
                **_request_origin(request),
            )
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Addendum signed and added.")
            return redirect("plan_version", client_id=client_id, version_id=version.pk)
    return render(
        request,
        "plans/addendum.html",
        {"form": form, "version": version, "client": version.plan.client},
    )


@login_required
def cosign_queue(request: Request) -> HttpResponse:
    """What waits for this supervisor: supervisees' signed plans without the co-signature."""
    member = access.require_membership(request.user)
    if member.role != Role.SUPERVISOR:
        raise PermissionDenied
    waiting = [
        version
        for version in services.waiting_for_cosign(request.user)
        if access.can(request.user, Action.COSIGN, version.plan.client)
    ]
    return render(request, "plans/cosign_queue.html", {"waiting": waiting})
