from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "threadline.audit"
    label = "audit"
    verbose_name = "Audit log"
