from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fsgs_portal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from fsgs_portal.accounts import language, signals  # noqa: F401  (connects the receivers)
