"""Mounted at /reviewer/: the pages of insurance reviewers and collaborating clinicians."""

from django.urls import path

from threadline.reviews import reader_views as views

urlpatterns = [
    path("", views.reviewer_home, name="reviewer_home"),
    path("invitation/<str:token>/", views.reviewer_accept, name="reviewer_accept"),
    path("cases/<int:case_id>/", views.reviewer_case, name="reviewer_case"),
    path("cases/<int:case_id>/plans/<int:version_id>/", views.reviewer_plan, name="reviewer_plan"),
    path(
        "cases/<int:case_id>/plans/<int:version_id>/pdf/",
        views.reviewer_plan_pdf,
        name="reviewer_plan_pdf",
    ),
    path("cases/<int:case_id>/notes/<int:note_id>/", views.reviewer_note, name="reviewer_note"),
    path(
        "cases/<int:case_id>/notes/<int:note_id>/pdf/",
        views.reviewer_note_pdf,
        name="reviewer_note_pdf",
    ),
    path(
        "authorizations/<int:authorization_id>/",
        views.collaborator_client,
        name="collaborator_client",
    ),
    path(
        "authorizations/<int:authorization_id>/plans/<int:version_id>/",
        views.collaborator_plan,
        name="collaborator_plan",
    ),
    path(
        "authorizations/<int:authorization_id>/plans/<int:version_id>/pdf/",
        views.collaborator_plan_pdf,
        name="collaborator_plan_pdf",
    ),
    path(
        "authorizations/<int:authorization_id>/notes/<int:note_id>/",
        views.collaborator_note,
        name="collaborator_note",
    ),
    path(
        "authorizations/<int:authorization_id>/notes/<int:note_id>/pdf/",
        views.collaborator_note_pdf,
        name="collaborator_note_pdf",
    ),
    path(
        "authorizations/<int:authorization_id>/measures/",
        views.collaborator_measures,
        name="collaborator_measures",
    ),
]
