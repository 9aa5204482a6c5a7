"""Mounted at /clients/<client_id>/access/: a client's review cases and authorizations."""

from django.urls import path

from threadline.reviews import views

urlpatterns = [
    path("", views.client_access, name="client_access"),
    path("reviews/new/", views.review_case_new, name="review_case_new"),
    path("reviews/<int:case_id>/", views.review_case_detail, name="review_case_detail"),
    path("reviews/<int:case_id>/close/", views.review_case_close, name="review_case_close"),
    path("reviews/<int:case_id>/invite/", views.review_case_invite, name="review_case_invite"),
    path("authorizations/new/", views.authorization_new, name="authorization_new"),
    path(
        "authorizations/<int:authorization_id>/revoke/",
        views.authorization_revoke,
        name="authorization_revoke",
    ),
    path(
        "authorizations/<int:authorization_id>/invite/",
        views.authorization_invite,
        name="authorization_invite",
    ),
]
