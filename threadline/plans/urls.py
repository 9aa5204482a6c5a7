from django.urls import path

from threadline.plans import views

urlpatterns = [
    path("", views.plan_home, name="plan_home"),
    path("start/", views.plan_start, name="plan_start"),
    path("diff/", views.plan_diff, name="plan_diff"),
    path("<int:version_id>/", views.plan_version, name="plan_version"),
    path("<int:version_id>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:version_id>/autosave/", views.plan_autosave, name="plan_autosave"),
    path("<int:version_id>/library/", views.plan_library, name="plan_library"),
    path("<int:version_id>/revise/", views.plan_revise, name="plan_revise"),
    path("<int:version_id>/sign/", views.plan_sign, name="plan_sign"),
    path("<int:version_id>/addendum/", views.plan_addendum, name="plan_addendum"),
    path("<int:version_id>/plan.json", views.plan_json, name="plan_json"),
    path("<int:version_id>/plan.pdf", views.plan_pdf, name="plan_pdf"),
]
