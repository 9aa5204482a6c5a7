from django.urls import path

from threadline.measures import views

urlpatterns = [
    path("", views.measures_home, name="measures_home"),
    path("give/<str:instrument>/", views.measure_give, name="measure_give"),
    path("send/<str:instrument>/", views.measure_send, name="measure_send"),
    path("schedule/", views.measure_schedule, name="measure_schedule"),
    path("alerts/<int:alert_id>/clear/", views.alert_clear, name="alert_clear"),
]
