from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from threadline.accounts import views as accounts
from threadline.accounts.forms import EmailLoginForm
from threadline.audit import views as audit
from threadline.clients import views as clients
from threadline.measures import views as measure_views
from threadline.notes import queue_views
from threadline.plans import views as plan_views

urlpatterns = [
    path("", accounts.home, name="home"),
    path("queue/", queue_views.work_queue_page, name="work_queue"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("clients/", clients.caseload, name="caseload"),
    path("clients/new/", clients.client_new, name="client_new"),
    path("clients/<int:client_id>/", clients.client_chart, name="client_chart"),
    path("clients/<int:client_id>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_id>/plan/", include("threadline.plans.urls")),
    path("clients/<int:client_id>/sessions/", include("threadline.appointments.client_urls")),
    path("clients/<int:client_id>/notes/", include("threadline.notes.urls")),
    path("clients/<int:client_id>/measures/", include("threadline.measures.urls")),
    path("clients/<int:client_id>/access/", include("threadline.reviews.client_urls")),
    path(
        "clients/<int:client_id>/psychotherapy-notes/",
        include("threadline.psychotherapy_notes.urls"),
    ),
    path("clients/<int:client_id>/rights/", include("threadline.privacy.client_urls")),
    path("schedule/", include("threadline.appointments.urls")),
    path("supervision/", plan_views.cosign_queue, name="cosign_queue"),
    path("practice/", accounts.practice_settings, name="practice_settings"),
    path("practice/people/", accounts.people, name="people"),
    path("practice/people/new/", accounts.person_new, name="person_new"),
    path("practice/people/<int:membership_id>/role/", accounts.person_role, name="person_role"),
    path(
        "practice/people/<int:membership_id>/active/", accounts.person_active, name="person_active"
    ),
    path("practice/audit/", audit.audit_log, name="audit_log"),
    path("practice/outcomes/", measure_views.practice_outcomes_page, name="practice_outcomes"),
    path("diagnoses/", include("threadline.diagnoses.urls")),
    path("library/", include("threadline.library.urls")),
    path("portal/rights/", include("threadline.privacy.portal_urls")),
    path("portal/", include("threadline.portal.urls")),
    path("practice/access/", include("threadline.reviews.urls")),
    path("reviewer/", include("threadline.reviews.reviewer_urls")),
    path("account/", include("threadline.accounts.account_urls")),
    path("account/api-tokens/", include("threadline.api.token_urls")),
    path("api/v1/", include("threadline.api.urls")),
    path("admin/", admin.site.urls),
]
