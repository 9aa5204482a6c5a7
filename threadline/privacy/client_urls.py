from django.urls import path

from threadline.privacy import client_views

urlpatterns = [
    path("", client_views.rights, name="client_rights"),
    path("records/<int:request_id>/", client_views.record_request, name="client_record_request"),
    path("amendments/<int:amendment_id>/", client_views.amendment, name="client_amendment_request"),
]
