from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "threadline.signatures"
    label = "signatures"
    verbose_name = "Signatures"
