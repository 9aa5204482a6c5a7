from django.urls import path

from threadline.privacy import portal_views

urlpatterns = [
    path("", portal_views.rights, name="portal_rights"),
    path("records/new/", portal_views.record_new, name="portal_record_new"),
    path("records/<int:request_id>/", portal_views.record_request, name="portal_record"),
    path("records/<int:request_id>/pdf/", portal_views.record_pdf, name="portal_record_pdf"),
    path("records/<int:request_id>/fhir/", portal_views.record_fhir, name="portal_record_fhir"),
    path("amendments/new/", portal_views.amendment_new, name="portal_amendment_new"),
    path("amendments/<int:amendment_id>/", portal_views.amendment, name="portal_amendment"),
    path("disclosures/", portal_views.disclosures, name="portal_disclosures"),
]
