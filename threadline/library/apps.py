from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "threadline.library"
    label = "library"
    verbose_name = "Plan content library"
