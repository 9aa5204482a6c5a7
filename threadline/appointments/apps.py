from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "threadline.appointments"
    label = "appointments"
    verbose_name = "Sessions"
