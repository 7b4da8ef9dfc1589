from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.tasks import queue_similar_refresh
        from trials.signals import catalogue_changed

        catalogue_changed.connect(queue_similar_refresh, dispatch_uid="similar-trials")
