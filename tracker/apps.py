from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Roadmap content and progress"

    def ready(self):
        from tracker.content import versioning

        versioning.connect_signals()
