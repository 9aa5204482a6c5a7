from django.urls import path

from threadline.notes import views

urlpatterns = [
    path("", views.client_notes, name="client_notes"),
    path("session/<int:appointment_id>/", views.session_note, name="session_note"),
    path("discharge/", views.discharge_start, name="discharge_start"),
    path("thread/", views.thread_report, name="thread_report"),
    path("<int:note_id>/", views.note_view, name="note_view"),
    path("<int:note_id>/autosave/", views.note_autosave, name="note_autosave"),
    path("<int:note_id>/sign/", views.note_sign, name="note_sign"),
    path("<int:note_id>/addendum/", views.note_addendum, name="note_addendum"),
    path("<int:note_id>/plan/", views.intake_plan, name="intake_plan"),
    path("<int:note_id>/note.pdf", views.note_pdf, name="note_pdf"),
]
