"""``trialmatch serve``: the site on a production WSGI server, static files included."""

from django.core.management.base import BaseCommand, CommandError
from waitress import serve

from trialmatch.wsgi import application


def site_url(host: str, port: int) -> str:
    shown = "localhost" if host in {"0.0.0.0", "127.0.0.1", "::"} else host
    return f"http://{shown}:{port}/"


class Command(BaseCommand):
    help = "Serve the site (waitress)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, port, host, threads, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, not {port}", returncode=2)
        self.stdout.write(f"TrialMatch is running at {site_url(host, port)} (Ctrl+C stops it)")
        self.stdout.flush()
        try:
            serve(application, host=host, port=port, threads=threads, _quiet=True)
        except OSError as error:
            raise CommandError(f"cannot listen on {host}:{port}: {error}") from error
