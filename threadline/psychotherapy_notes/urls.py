from django.urls import path

from threadline.psychotherapy_notes import views

urlpatterns = [
    path("", views.client_psychotherapy_notes, name="client_psychotherapy_notes"),
    path("new/", views.psychotherapy_note_new, name="psychotherapy_note_new"),
    path("<int:note_id>/", views.psychotherapy_note_view, name="psychotherapy_note_view"),
    path("<int:note_id>/edit/", views.psychotherapy_note_edit, name="psychotherapy_note_edit"),
    path(
        "<int:note_id>/delete/", views.psychotherapy_note_delete, name="psychotherapy_note_delete"
    ),
    path(
        "releases/new/",
        views.psychotherapy_note_release_new,
        name="psychotherapy_note_release_new",
    ),
    path(
        "releases/<int:release_id>/",
        views.psychotherapy_note_release_view,
        name="psychotherapy_note_release_view",
    ),
    path(
        "releases/<int:release_id>/pdf/",
        views.psychotherapy_note_release_pdf,
        name="psychotherapy_note_release_pdf",
    ),
    path(
        "releases/<int:release_id>/revoke/",
        views.psychotherapy_note_release_revoke,
        name="psychotherapy_note_release_revoke",
    ),
]
