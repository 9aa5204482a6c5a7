"""A clinician's own psychotherapy notes about one client: list, write, read, change, delete,
and release some of them under the client's written authorization.

The writer must be a treating clinician of the client (CLINICAL_EDIT). A note's own pages, and a
release's, open for its author alone; to anyone else, the supervisor and the practice admin
included, their URLs are a 404, because even that a note exists is private to the clinician who
wrote it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.access import Action
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.psychotherapy_notes import releases, services
from threadline.psychotherapy_notes.forms import (
    PsychotherapyNoteForm,
    ReleaseForm,
    RevokeReleaseForm,
)
from threadline.psychotherapy_notes.models import PsychotherapyNote, Release, ReleasedNote


def _own_note(request: Request, client_id: int, note_id: int) -> PsychotherapyNote:
    note = services.note_of_author(request.user, client_id, note_id)
    if note is None:
        raise Http404("No such note.")
    # The author must still be treating the client to open what they wrote about them.
    access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    return note


def _save(
    form: PsychotherapyNoteForm, request: Request, client: Client, note: PsychotherapyNote | None
) -> PsychotherapyNote | None:
    """Save a valid form through the service; None (with the form's errors set) if refused."""
    if not form.is_valid():
        return None
    fields = {
        "written_at": form.cleaned_data["written_at"],
        "body": form.cleaned_data["body"],
        "session": form.cleaned_data["session"],
    }
    try:
        if note is None:
            return services.write_note(request.user, client, **fields)
        return services.revise_note(request.user, note, **fields)
    except ValidationError as error:
        _add_errors(form, error)
        return None
    except services.KeptAsReleased as kept:
        form.add_error(None, str(kept))
        return None


def _add_errors(form: PsychotherapyNoteForm | ReleaseForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _kept_as_released(request: Request, note: PsychotherapyNote) -> HttpResponse | None:
    """Back to the note, saying why, if it was released and so can no longer change."""
    if not services.is_released(note):
        return None
    messages.error(request, services.KEPT_AS_RELEASED)
    return redirect("psychotherapy_note_view", note.client_id, note.pk)


@login_required
def client_psychotherapy_notes(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    notes = services.own_notes(request.user, client)
    made = releases.own_releases(request.user, client)
    return render(
        request,
        "psychotherapy_notes/list.html",
        {"client": client, "notes": notes, "releases": made, "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_new(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    form = PsychotherapyNoteForm(
        request.POST or None,
        client=client,
        author=request.user,
        initial={"written_at": timezone.localdate()},
    )
    if request.method == "POST":
        note = _save(form, request, client, None)
        if note is not None:
            messages.success(request, "Psychotherapy note saved. Only you can see it.")
            return redirect("psychotherapy_note_view", client.pk, note.pk)
    return render(
        request, "psychotherapy_notes/form.html", {"client": client, "form": form, "note": None}
    )


@login_required
def psychotherapy_note_view(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _own_note(request, client_id, note_id)
    services.read_note(request.user, note)
    released_in = Release.objects.filter(
        pk__in=ReleasedNote.objects.filter(note=note).values("release_id")
    )
    return render(
        request,
        "psychotherapy_notes/note.html",
        {"client": note.client, "note": note, "released_in": list(released_in)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_edit(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _own_note(request, client_id, note_id)
    if (back := _kept_as_released(request, note)) is not None:
        return back
    form = PsychotherapyNoteForm(
        request.POST or None,
        client=note.client,
        author=request.user,
        linked=note.session,
        initial={"written_at": note.written_at, "session": note.session, "body": note.body},
    )
    if request.method == "POST":
        if _save(form, request, note.client, note) is not None:
            messages.success(request, "Changes saved.")
            return redirect("psychotherapy_note_view", note.client.pk, note.pk)
    else:
        services.read_note(request.user, note, how="open_for_edit")
    return render(
        request,
        "psychotherapy_notes/form.html",
        {"client": note.client, "form": form, "note": note},
    )


@login_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_delete(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _own_note(request, client_id, note_id)
    if (back := _kept_as_released(request, note)) is not None:
        return back
    if request.method == "POST":
        try:
            services.delete_note(request.user, note)
        except services.KeptAsReleased as kept:
            messages.error(request, str(kept))
            return redirect("psychotherapy_note_view", note.client.pk, note.pk)
        messages.success(request, "Psychotherapy note deleted.")
        return redirect("client_psychotherapy_notes", note.client.pk)
    return render(request, "psychotherapy_notes/delete.html", {"client": note.client, "note": note})


# --- releases under the client's authorization (45 CFR 164.508(a)(2)) ------------------------


def _own_release(request: Request, client_id: int, release_id: int) -> Release:
    release = releases.release_of_author(request.user, client_id, release_id)
    if release is None:
        raise Http404("No such release.")
    # As for the notes themselves: the author must still be treating the client.
    access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    return release


@login_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_release_new(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    offered = releases.releasable_notes(request.user, client)
    form = ReleaseForm(request.POST or None, notes=offered)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                release = releases.record_release(
                    request.user,
                    client,
                    notes=list(data["notes"]),
                    recipient_name=data["recipient_name"],
                    recipient_address=data["recipient_address"],
                    purpose=data["purpose"],
                    given_on=data["given_on"],
                    given_how=data["given_how"],
                    expires_on=data["expires_on"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    "Release recorded. Download the PDF to send to the recipient; each download "
                    "is listed in the client's accounting of disclosures.",
                )
                return redirect("psychotherapy_note_release_view", client.pk, release.pk)
    else:
        releases.start_release(request.user, client, offered.count())
    return render(
        request,
        "psychotherapy_notes/release_form.html",
        {"client": client, "form": form, "has_notes": offered.exists()},
    )


def _release_page(request: Request, release: Release, status: int = 200) -> HttpResponse:
    shown = releases.view_release(request.user, release)
    today = timezone.localdate()
    return render(
        request,
        "psychotherapy_notes/release.html",
        {
            "client": release.client,
            "release": release,
            "notes": shown.notes,
            "downloads": shown.downloads,
            "refusal": releases.refusal(release, today),
            "revoke_form": RevokeReleaseForm(),
        },
        status=status,
    )


@login_required
def psychotherapy_note_release_view(
    request: Request, client_id: int, release_id: int
) -> HttpResponse:
    return _release_page(request, _own_release(request, client_id, release_id))


@login_required
def psychotherapy_note_release_pdf(
    request: Request, client_id: int, release_id: int
) -> HttpResponse:
    release = _own_release(request, client_id, release_id)
    try:
        data = releases.download_release(request.user, release)
    except releases.ReleaseRefused:
        # The release page again, which says why; 410: the notes are no longer available.
        release.refresh_from_db()
        return _release_page(request, release, status=410)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"psychotherapy-notes-{release.client.record_number}-{release.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def psychotherapy_note_release_revoke(
    request: Request, client_id: int, release_id: int
) -> HttpResponse:
    release = _own_release(request, client_id, release_id)
    form = RevokeReleaseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    releases.revoke_release(request.user, release, reason=reason)
    messages.success(request, "Release revoked. The notes can no longer be downloaded under it.")
    return redirect("psychotherapy_note_release_view", client_id, release.pk)
