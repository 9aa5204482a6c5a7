"""Intake, progress note and discharge summary pages; the golden-thread report."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.appointments.models import SERVICE_CHOICES, Appointment
from threadline.assist import wording
from threadline.audit.services import record
from threadline.lib.http import Request
from threadline.measures.progress import bound_objectives
from threadline.notes import checks, history, services
from threadline.notes import content as note_content
from threadline.notes.models import Kind, Note
from threadline.plans.forms import EDITOR_CHOICES, AddendumForm, SignForm
from threadline.plans.services import signature_views
from threadline.rules.intake_rules import HISTORY_AREAS, MENTAL_STATUS_DOMAINS
from threadline.signatures.models import Meaning
from threadline.signatures.services import ATTESTATIONS, SigningRefused


def _note(request: Request, client_id: int, note_id: int, action: Action) -> Note:
    client = access.client_for(request.user, client_id, action)
    return get_object_or_404(
        Note.objects.select_related(
            "client__practice", "client__payer", "appointment", "plan_version__plan", "author"
        ),
        pk=note_id,
        client=client,
    )


def _origin(request: Request) -> dict[str, Any]:
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", ""),
    }


def _by_field(checked: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for finding in checked.findings:
        grouped.setdefault(finding.field, []).append(finding)
    return grouped


def _context(note: Note, body: dict[str, Any] | None = None, signer: Any = None) -> dict[str, Any]:
    if body is not None:
        note.content = body  # show what was typed, even when it could not be saved
    checked = checks.check(
        note, prospective_signer=signer or (note.author if note.is_draft else None)
    )
    content = note.content
    objectives = checks.plan_objectives(note.plan_version)
    recorded = {o["objective_id"]: o for o in content.get("objectives") or []}
    progress_findings: dict[str, list[Any]] = {}
    cited = [o["objective_id"] for o in content.get("objectives") or []]
    for finding in checked.findings:
        if finding.field.startswith("progress["):
            index = int(finding.field[9 : finding.field.index("]")])
            if index < len(cited):
                progress_findings.setdefault(cited[index], []).append(finding)
    bound = {b.objective_id: b for b in bound_objectives(note.client, note.plan_version)}
    offered = sorted({i for o in objectives for i in o.interventions})
    used = [i["description"] for i in content.get("interventions") or [] if i.get("in_plan", True)]
    billing = checks.suggested_billing(content) if note.kind == Kind.PROGRESS else None
    headings = history.headings(content.get("format")) if note.kind == Kind.PROGRESS else ()
    return {
        "client": note.client,
        "note": note,
        "content": content,
        "checked": checked,
        "by_field": _by_field(checked),
        "objectives": [
            {
                "objective": o,
                "recorded": recorded.get(o.id),
                "findings": progress_findings.get(o.id, []),
                "measure": bound.get(o.id),
            }
            for o in objectives
        ],
        "unknown_objectives": [i for i in recorded if i not in {o.id for o in objectives}],
        "interventions_offered": [
            (i, i in used) for i in offered + [u for u in used if u not in offered]
        ],
        "interventions_outside": "\n".join(
            i["description"]
            for i in content.get("interventions") or []
            if not i.get("in_plan", True)
        ),
        "headings": headings,
        "narrative": [(h, (content.get("sections") or {}).get(h, "")) for h in headings],
        "billing": billing,
        "suggested_codes": checks.billed_lines(billing) if billing and not billing.refusal else [],
        "ratings": note_content.RATINGS,
        "formats": [(f.value, f.value.upper()) for f in note_content.FORMATS],
        "services": SERVICE_CHOICES,
        "history_areas": HISTORY_AREAS,
        "mse_domains": MENTAL_STATUS_DOMAINS,
        "levels": [
            ("", "Not judged yet"),
            *((v, v.capitalize()) for v in note_content.RISK_LEVELS),
        ],
        "yes_no": [("", "Not asked yet"), ("no", "No"), ("yes", "Yes")],
        "outcome_choices": note_content.OUTCOMES,
        "assist_on": wording.configured_provider() is not None,
        **EDITOR_CHOICES,
    }


@login_required
def client_notes(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    notes = list(
        Note.objects.filter(client=client)
        .select_related("appointment", "author")
        .order_by("-created_at")
    )
    record("note.list.view", actor=request.user, client=client, detail={"shown": len(notes)})
    return render(
        request,
        "notes/list.html",
        {
            "client": client,
            "notes": notes,
            "can_edit": access.can(request.user, Action.CLINICAL_EDIT, client),
        },
    )


@login_required
@require_POST
def session_note(request: Request, client_id: int, appointment_id: int) -> HttpResponse:
    """ "Write note" on a session: opens its draft (pre-filled) or the note already there."""
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    appointment = get_object_or_404(Appointment, pk=appointment_id, client=client)
    try:
        note = services.start_note(
            request.user, appointment, note_format=request.POST.get("format") or None
        )
    except services.NotAvailable as refusal:
        messages.error(request, str(refusal))
        return redirect("appointment_list", client_id=client.pk)
    return redirect("note_view", client_id=client.pk, note_id=note.pk)


@login_required
@require_POST
def discharge_start(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    try:
        note = services.start_discharge(request.user, client, today=timezone.localdate())
    except services.NotAvailable as refusal:
        messages.error(request, str(refusal))
        return redirect("client_chart", client_id=client.pk)
    return redirect("note_view", client_id=client.pk, note_id=note.pk)


@login_required
@require_http_methods(["GET", "POST"])
def note_view(request: Request, client_id: int, note_id: int) -> HttpResponse:
    """A draft opens in its editor for those who may edit; anything else reads as signed."""
    note = _note(request, client_id, note_id, Action.CLINICAL_VIEW)
    editable = note.is_draft and access.can(request.user, Action.CLINICAL_EDIT, note.client)
    if request.method == "POST":
        if not editable:
            access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
            messages.info(request, "This document is signed and read-only; add an addendum.")
            return redirect("note_view", client_id=client_id, note_id=note.pk)
        return _save(request, note)
    if editable:
        services.view_note(request.user, note, "edit")
        return render(request, "notes/editor.html", _context(note))
    services.view_note(request.user, note)
    signatures = signature_views(note)
    meanings = {s.meaning for s in signatures}
    return render(
        request,
        "notes/document.html",
        {
            **_context(note),
            "signatures": signatures,
            "addenda": _addenda(note),
            "late": _lateness(note),
            "can_cosign": not note.is_draft
            and Meaning.SUPERVISOR not in meanings
            and access.can(request.user, Action.COSIGN, note.client),
            "can_edit": access.can(request.user, Action.CLINICAL_EDIT, note.client),
        },
    )


def _addenda(note: Note) -> list[dict[str, Any]]:
    return [
        {"addendum": a, "signatures": signature_views(a)}
        for a in note.addenda.select_related("author")
    ]


def _lateness(note: Note) -> str:
    """ "Late entry: signed 30 hours after the session", from the stored times."""
    session = note.content.get("session") or {}
    day = note_content.parse_day(session.get("date_of_service"))
    stop = session.get("stop")
    if note.signed_at is None or day is None or not stop:
        return ""
    try:
        ended = timezone.make_aware(datetime.combine(day, time.fromisoformat(stop)))
    except ValueError:
        return ""
    hours = (note.signed_at - ended).total_seconds() / 3600
    pack = checks.pack_for(note.client)
    if hours <= pack.documentation_warn_hours:
        return ""
    return f"Late entry: signed {hours:.0f} hours after the session ended."


PROPOSALS = "proposals"


def _save(request: Request, note: Note) -> HttpResponse:
    previous = note.content
    objective_ids = [o.id for o in checks.plan_objectives(note.plan_version)]
    if note.kind == Kind.PROGRESS:
        body = note_content.progress_from_form(request.POST, previous, objective_ids)
    elif note.kind == Kind.INTAKE:
        body = note_content.intake_from_form(request.POST, previous)
    else:
        body = note_content.discharge_from_form(request.POST, previous, objective_ids)
    action = request.POST.get("action", "")
    if action == "assist":
        body = _propose(request, note, body)
    elif action.startswith(("accept:", "dismiss:")):
        body = _decide(body, action)
    elif action == "add:diagnosis":
        body = {**body, "diagnoses": [*body.get("diagnoses", []), _blank_diagnosis()]}
    raw = request.POST.get("overwrite_lock") or request.POST.get("lock_version", "")
    lock = int(raw) if raw.isdigit() else -1
    try:
        note = services.save_draft(request.user, note, body, lock_version=lock)
    except services.DraftConflict as conflict:
        theirs = conflict.current
        context = _context(theirs, body)
        context.update(conflict=True, theirs=theirs)
        messages.error(
            request,
            "Someone else saved this draft since you opened it. Your text is below and was not "
            "saved; copy what you need, reload, and add it again.",
        )
        return render(request, "notes/editor.html", context, status=409)
    if request.htmx:
        return render(
            request, "notes/_autosaved.html", {**_context(note), "saved_at": note.updated_at}
        )
    anchor = "#assist" if action in {"assist"} or action.startswith(("accept:", "dismiss:")) else ""
    return redirect(f"{note_path(note)}{anchor}")


def _blank_diagnosis() -> dict[str, str]:
    return {"code": "", "description": "", "release": "", "rank": "secondary", "status": "current"}


def note_path(note: Note) -> str:
    from django.urls import reverse

    return reverse("note_view", kwargs={"client_id": note.client_id, "note_id": note.pk})


def _propose(request: Request, note: Note, body: dict[str, Any]) -> dict[str, Any]:
    """Ask the configured language-model provider to word the pre-filled facts; each proposal
    waits for the clinician to accept it, and keeps the fact it came from."""
    provider = wording.configured_provider()
    if provider is None or note.kind != Kind.PROGRESS:
        messages.info(request, "No wording assistant is configured for this practice.")
        return body
    labels = {o.id: o for o in checks.plan_objectives(note.plan_version)}
    pieces = [
        wording.Piece(
            "objective", item["objective_id"], "assessment", labels[item["objective_id"]].label
        )
        for item in body.get("objectives") or []
        if item["objective_id"] in labels
    ]
    pieces += [
        wording.Piece("intervention", "", "assessment", item["description"])
        for item in body.get("interventions") or []
        if item.get("in_plan", True)
    ]
    if body.get("carried_forward"):
        pieces.append(wording.Piece("previous_plan", "", "plan", body["carried_forward"]))
    if not pieces:
        messages.info(
            request, "Pick the objectives and interventions first; they are what gets worded."
        )
        return body
    try:
        proposals = wording.propose(
            pieces, note_format=body.get("format") or "dap", provider=provider
        )
    except wording.AssistUnavailable as error:
        messages.error(request, str(error))
        return body
    record(
        "note.assist.propose",
        actor=request.user,
        client=note.client,
        obj=note,
        detail={"pieces": len(pieces), "proposals": len(proposals)},
    )
    headings = history.headings(body.get("format"))
    return {
        **body,
        PROPOSALS: [
            {
                "section": p.piece.section if p.piece.section in headings else headings[-1],
                "wording": p.wording,
                "source_kind": p.piece.source_kind,
                "source_ref": p.piece.source_ref,
                "source_text": p.piece.text,
            }
            for p in proposals
        ],
    }


def _decide(body: dict[str, Any], action: str) -> dict[str, Any]:
    """Accept one proposal into its section (keeping its source) or dismiss it."""
    verb, _, raw = action.partition(":")
    proposals = list(body.get(PROPOSALS) or [])
    if not raw.isdigit() or int(raw) >= len(proposals):
        return body
    chosen = proposals.pop(int(raw))
    body = {**body, PROPOSALS: proposals}
    if verb == "accept":
        sections = dict(body.get("sections") or {})
        current = sections.get(chosen["section"], "")
        sections[chosen["section"]] = f"{current}\n{chosen['wording']}".strip()
        body["sections"] = sections
        body["accepted_wording"] = [*body.get("accepted_wording", []), chosen]
    return body


@login_required
@require_POST
def note_autosave(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _note(request, client_id, note_id, Action.CLINICAL_EDIT)
    if not note.is_draft:
        return HttpResponse(
            '<p class="finding error">This document was signed; reload to read it.</p>', status=409
        )
    return _save(request, note)


@login_required
@require_http_methods(["GET", "POST"])
def note_sign(request: Request, client_id: int, note_id: int) -> HttpResponse:
    """Exactly what will be signed, its findings, and the password again."""
    note = _note(request, client_id, note_id, Action.CLINICAL_VIEW)
    meaning = Meaning.AUTHOR if note.is_draft else Meaning.SUPERVISOR
    access.client_for(
        request.user,
        client_id,
        Action.COSIGN if meaning == Meaning.SUPERVISOR else Action.CLINICAL_EDIT,
    )
    form = SignForm(
        request.POST or None,
        user=request.user,
        attestation=ATTESTATIONS[meaning],
        initial={"lock_version": note.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if meaning == Meaning.AUTHOR:
                services.sign_note(
                    request.user,
                    note,
                    stepped_up_at=timezone.now(),
                    shown_lock=form.cleaned_data.get("lock_version"),
                    **_origin(request),
                )
            else:
                services.cosign_note(
                    request.user, note, stepped_up_at=timezone.now(), **_origin(request)
                )
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            done = "Signed." if meaning == Meaning.AUTHOR else "Co-signature recorded."
            if note.kind == Kind.DISCHARGE and meaning == Meaning.AUTHOR:
                done = "Discharge summary signed; the episode of care is closed."
            messages.success(request, done)
            return redirect("note_view", client_id=client_id, note_id=note.pk)
    context = _context(note, signer=request.user if meaning == Meaning.AUTHOR else None)
    return render(
        request,
        "notes/sign.html",
        {**context, "form": form, "meaning": meaning, "signatures": signature_views(note)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_addendum(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _note(request, client_id, note_id, Action.CLINICAL_EDIT)
    if note.is_draft:
        return redirect("note_view", client_id=client_id, note_id=note.pk)
    form = AddendumForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_addendum(
                request.user,
                note,
                form.cleaned_data["text"],
                stepped_up_at=timezone.now(),
                **_origin(request),
            )
        except SigningRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Addendum signed and added.")
            return redirect("note_view", client_id=client_id, note_id=note.pk)
    return render(
        request, "notes/addendum.html", {"form": form, "note": note, "client": note.client}
    )


@login_required
def note_pdf(request: Request, client_id: int, note_id: int) -> HttpResponse:
    from threadline.exports.pdf import note_pdf as render

    note = _note(request, client_id, note_id, Action.CLINICAL_VIEW)
    data = render(note)
    services.view_note(request.user, note, "pdf")
    response = HttpResponse(data, content_type="application/pdf")
    name = f"{note.kind}-{note.client.record_number}-{note.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def intake_plan(request: Request, client_id: int, note_id: int) -> HttpResponse:
    """ "Start treatment plan" from an intake: its diagnoses, problem and recommendation."""
    note = _note(request, client_id, note_id, Action.CLINICAL_EDIT)
    if note.kind != Kind.INTAKE:
        raise Http404
    version = services.start_plan_from_intake(request.user, note)
    messages.success(
        request,
        "A plan draft was started from the intake: its diagnoses, presenting problem and "
        "recommendation are filled in. Add the problems, goals and objectives.",
    )
    return redirect("plan_edit", client_id=client_id, version_id=version.pk)


@login_required
def thread_report(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_VIEW)
    report = history.report(client, today=timezone.localdate())
    bound = {
        b.objective_id: b for b in bound_objectives(client, services.plan_in_force(client, None))
    }
    rows = [(o, bound.get(o.objective_id)) for o in report.objectives]
    record("note.thread.view", actor=request.user, client=client)
    return render(request, "notes/thread.html", {"client": client, "report": report, "rows": rows})
