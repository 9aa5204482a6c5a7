from django.urls import path

from threadline.appointments import views

urlpatterns = [
    path("", views.schedule_day, name="schedule_day"),
    path("week/", views.schedule_week, name="schedule_week"),
]
