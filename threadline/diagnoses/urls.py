from django.urls import path

from threadline.diagnoses import views

urlpatterns = [
    path("", views.icd_browser, name="icd_browser"),
    path("search/", views.icd_search, name="icd_search"),
]
