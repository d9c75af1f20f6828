from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fsgs_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from fsgs_portal.accounts import language, signals  # noqa: F401  (connects the receivers)
