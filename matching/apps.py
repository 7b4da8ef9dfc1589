from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from matching.saved import on_sign_in
        from matching.tasks import queue_similar_refresh
        from trials.signals import catalogue_changed

        catalogue_changed.connect(queue_similar_refresh, dispatch_uid="similar-trials")
        user_logged_in.connect(on_sign_in, dispatch_uid="matching.move_saved_answers_on_sign_in")
