"""The signed-in person's own account, mounted at /account/: the second step of signing in,
setting up an authenticator, and the security page."""

from django.urls import path

from threadline.accounts import views

urlpatterns = [
    path("verify/", views.mfa_verify, name="mfa_verify"),
    path("authenticator/", views.mfa_enrol, name="mfa_enrol"),
    path("security/", views.account_security, name="account_security"),
    path("security/password/", views.account_password, name="account_password"),
    path("security/email/", views.account_email, name="account_email"),
    path("security/backup-codes/", views.account_backup_codes, name="account_backup_codes"),
    path("security/reset/", views.account_reset_mfa, name="account_reset_mfa"),
    path(
        "people/<int:membership_id>/second-factor/reset/",
        views.person_mfa_reset,
        name="person_mfa_reset",
    ),
]
