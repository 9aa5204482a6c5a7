from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "threadline.portal"
    label = "portal"
    verbose_name = "Client portal"

    def ready(self) -> None:
        from threadline.portal import signals  # noqa: F401  (connects portal sign-in auditing)
