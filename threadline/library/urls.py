from django.urls import path

from threadline.library import views

urlpatterns = [
    path("", views.library_index, name="library_index"),
    path("search/", views.library_search, name="library_search"),
    path("new/", views.library_entry_new, name="library_entry_new"),
    path("<int:entry_id>/", views.library_entry, name="library_entry"),
    path("<int:entry_id>/copy/", views.library_entry_copy, name="library_entry_copy"),
    path("<int:entry_id>/edit/", views.library_entry_edit, name="library_entry_edit"),
    path("<int:entry_id>/retire/", views.library_entry_retire, name="library_entry_retire"),
    path("<int:entry_id>/restore/", views.library_entry_restore, name="library_entry_restore"),
]
