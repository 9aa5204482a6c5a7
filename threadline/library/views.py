from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from threadline import access
from threadline.icd import load_default
from threadline.lib.http import Request
from threadline.library import services
from threadline.library.content import EVIDENCE_CHECKS
from threadline.library.forms import EntryForms
from threadline.library.models import LibraryEntry
from threadline.library.permissions import entry_for, may_manage, require_manager
from threadline.rules import modalities

RESULTS_LIMIT = 60


def _results_context(request: Request) -> dict[str, object]:
    practice = access.require_membership(request.user).practice
    query = request.GET.get("q", "").strip()
    modality = request.GET.get("modality", "")
    if modality not in modalities.BY_KEY:
        modality = ""
    entries = list(
        LibraryEntry.objects.visible_to(practice)
        .current()
        .search(query, modality)
        .select_related("practice")[:RESULTS_LIMIT]
    )
    return {
        "entries": entries,
        "query": query,
        "modality": modality,
        "modalities": modalities.MODALITIES,
        "limit": RESULTS_LIMIT,
        "can_manage": may_manage(request.user),
    }


@login_required
def library_index(request: Request) -> HttpResponse:
    context = _results_context(request)
    if context["can_manage"]:
        practice = access.require_membership(request.user).practice
        context["retired"] = LibraryEntry.objects.filter(practice=practice, retired=True)
    return render(request, "library/index.html", context)


@login_required
def library_search(request: Request) -> HttpResponse:
    """The results alone for HTMX; the whole page for a plain GET, so search works without JS."""
    if not request.htmx:
        return library_index(request)
    return render(request, "library/_results.html", _results_context(request))


@login_required
def library_entry(request: Request, entry_id: int) -> HttpResponse:
    entry = entry_for(request.user, entry_id)
    codes = load_default()
    content = entry.entry_content()
    can_manage = may_manage(request.user)
    return render(
        request,
        "library/entry.html",
        {
            "entry": entry,
            "content": content,
            "diagnoses": [(code, codes.get(code)) for code in content.icd10cm],
            "evidence_checks": EVIDENCE_CHECKS,
            "can_copy": can_manage,
            "can_edit": can_manage and not entry.is_shipped,
        },
    )


def _entry_form_page(
    request: Request, forms: EntryForms, *, entry: LibraryEntry | None, source: LibraryEntry | None
) -> HttpResponse:
    return render(
        request,
        "library/entry_form.html",
        {"forms": forms, "entry": entry, "source": source},
    )


@login_required
@require_http_methods(["GET", "POST"])
def library_entry_new(request: Request) -> HttpResponse:
    member = require_manager(request.user)
    forms = EntryForms(request.POST or None)
    if request.method == "POST" and forms.is_valid():
        try:
            entry = services.create_entry(request.user, member.practice, forms.content_data())
        except ValidationError as error:
            forms.entry.add_error(None, error)
        else:
            messages.success(request, f"“{entry.title}” is in your practice's library.")
            return redirect("library_entry", entry_id=entry.pk)
    return _entry_form_page(request, forms, entry=None, source=None)


@login_required
@require_http_methods(["GET", "POST"])
def library_entry_copy(request: Request, entry_id: int) -> HttpResponse:
    source = entry_for(request.user, entry_id)
    member = require_manager(request.user)
    forms = EntryForms(request.POST or None, content=source.entry_content())
    if request.method == "POST" and forms.is_valid():
        try:
            entry = services.create_entry(
                request.user, member.practice, forms.content_data(), copied_from=source
            )
        except ValidationError as error:
            forms.entry.add_error(None, error)
        else:
            messages.success(request, f"“{entry.title}” is now a practice entry you can change.")
            return redirect("library_entry", entry_id=entry.pk)
    return _entry_form_page(request, forms, entry=None, source=source)


@login_required
@require_http_methods(["GET", "POST"])
def library_entry_edit(request: Request, entry_id: int) -> HttpResponse:
    entry = entry_for(request.user, entry_id, manage=True)
    forms = EntryForms(request.POST or None, content=entry.entry_content())
    if request.method == "POST" and forms.is_valid():
        try:
            services.update_entry(request.user, entry, forms.content_data())
        except ValidationError as error:
            forms.entry.add_error(None, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("library_entry", entry_id=entry.pk)
    return _entry_form_page(request, forms, entry=entry, source=None)


@login_required
@require_POST
def library_entry_retire(request: Request, entry_id: int) -> HttpResponse:
    entry = entry_for(request.user, entry_id, manage=True)
    services.retire_entry(request.user, entry)
    messages.success(request, f"“{entry.title}” is retired: it no longer shows in searches.")
    return redirect("library_entry", entry_id=entry.pk)


@login_required
@require_POST
def library_entry_restore(request: Request, entry_id: int) -> HttpResponse:
    entry = entry_for(request.user, entry_id, manage=True)
    services.restore_entry(request.user, entry)
    messages.success(request, f"“{entry.title}” shows in searches again.")
    return redirect("library_entry", entry_id=entry.pk)
