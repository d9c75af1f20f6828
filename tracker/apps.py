from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Diary"

    def ready(self):
        from tracker import invitations  # noqa: F401  (connects the log-in receiver)
