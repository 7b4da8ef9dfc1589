from django.apps import AppConfig


class PrescreenConfig(AppConfig):
    name = "prescreen"
    verbose_name = "Pre-screener"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from prescreen.answers import on_sign_in

        user_logged_in.connect(on_sign_in, dispatch_uid="prescreen.move_answers_on_sign_in")
