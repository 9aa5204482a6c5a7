"""A clinician's own psychotherapy notes about one client: list, write, read, change, delete.

The writer must be a treating clinician of the client (CLINICAL_EDIT). A note's own pages open
for its author alone; to anyone else, the supervisor and the practice admin included, a note's
URL is a 404, because even that a note exists is private to the clinician who wrote it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from threadline import access
from threadline.access import Action
from threadline.clients.models import Client
from threadline.lib.http import Request
from threadline.psychotherapy_notes import services
from threadline.psychotherapy_notes.forms import PsychotherapyNoteForm
from threadline.psychotherapy_notes.models import PsychotherapyNote


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
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return None


@login_required
def client_psychotherapy_notes(request: Request, client_id: int) -> HttpResponse:
    client = access.client_for(request.user, client_id, Action.CLINICAL_EDIT)
    notes = services.own_notes(request.user, client)
    return render(request, "psychotherapy_notes/list.html", {"client": client, "notes": notes})


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
    return render(request, "psychotherapy_notes/note.html", {"client": note.client, "note": note})


@login_required
@require_http_methods(["GET", "POST"])
def psychotherapy_note_edit(request: Request, client_id: int, note_id: int) -> HttpResponse:
    note = _own_note(request, client_id, note_id)
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
    if request.method == "POST":
        services.delete_note(request.user, note)
        messages.success(request, "Psychotherapy note deleted.")
        return redirect("client_psychotherapy_notes", note.client.pk)
    return render(request, "psychotherapy_notes/delete.html", {"client": note.client, "note": note})
