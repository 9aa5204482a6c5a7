from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "threadline.plans"
    label = "plans"
    verbose_name = "Treatment plans"
