from django.apps import AppConfig


class PsychotherapyNotesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "threadline.psychotherapy_notes"
    verbose_name = "psychotherapy notes"
