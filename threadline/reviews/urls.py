"""Mounted at /practice/access/: designations, break-glass, and the break-glass review."""

from django.urls import path

from threadline.reviews import break_glass_views, views

urlpatterns = [
    path("", views.practice_access, name="practice_access"),
    path(
        "designations/<int:membership_id>/",
        views.break_glass_designation,
        name="break_glass_designation",
    ),
    path("break-glass/", break_glass_views.break_glass_open, name="break_glass_open"),
    path(
        "break-glass/<int:grant_id>/end/", break_glass_views.break_glass_end, name="break_glass_end"
    ),
    path("break-glass/report/", views.break_glass_report, name="break_glass_report"),
    path(
        "break-glass/report/<int:grant_id>/reviewed/",
        views.break_glass_reviewed,
        name="break_glass_reviewed",
    ),
]
