from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.similar import refresh_after_import
        from trials.signals import catalogue_changed

        catalogue_changed.connect(refresh_after_import, dispatch_uid="similar-trials")
