from django.urls import path

from threadline.portal import measures_views, views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("plan/<int:version_id>/", views.plan, name="portal_plan"),
    path("plan/<int:version_id>/agree/", views.agree, name="portal_agree"),
    path("plan/<int:version_id>/print/", views.print_plan, name="portal_print"),
    path("plan/<int:version_id>/pdf/", views.plan_pdf, name="portal_plan_pdf"),
    path("join/", views.join, name="portal_join"),
    path("invitation/<str:token>/", views.accept, name="portal_accept"),
    path("invite/<int:client_id>/", views.invite, name="portal_invite"),
    path("questionnaire/<str:token>/", measures_views.questionnaire, name="portal_questionnaire"),
    path(
        "questionnaires/<int:administration_id>/",
        measures_views.questionnaire_open,
        name="portal_questionnaire_open",
    ),
]
