from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "threadline.accounts"
    label = "accounts"
    verbose_name = "People and practices"

    def ready(self) -> None:
        from threadline.accounts import signals  # noqa: F401  (connects login and lockout auditing)
