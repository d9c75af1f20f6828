from django.apps import AppConfig


class FsgsPortalConfig(AppConfig):
    name = "fsgs_portal"
    verbose_name = "FSGS Portal"
