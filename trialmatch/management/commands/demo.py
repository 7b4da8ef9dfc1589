"""``trialmatch demo``: prepare the embedded database, load the sample catalogue, serve.

The background tasks the import queued run before the site opens, and a worker runs beside
the server for the tasks queued while it serves."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from trialmatch.background import WorkerThread, queues_tasks, requeue_interrupted, run_queued
from trials.models import Trial

SEED_TRIAL = Path(__file__).resolve().parents[3] / "trials" / "fixtures" / "NCT04521231.json"
SHARED_CATALOGUE = settings.BASE_DIR.parent / "shared" / "data" / "ctgov"


class Command(BaseCommand):
    help = (
        "Migrate, load the seed trial plus ../shared/data/ctgov when present, run the queued "
        "background tasks, then serve the site with a worker beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-serve", action="store_true", help="Prepare only; do not serve.")

    def handle(self, *args, port, host, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        sources = [str(SEED_TRIAL)]
        if SHARED_CATALOGUE.is_dir():
            sources.append(str(SHARED_CATALOGUE))
        self.stdout.write("Loading the sample catalogue: " + ", ".join(sources))
        try:
            call_command("import", *sources, stdout=self.stdout, stderr=self.stderr)
        except SystemExit as exit_:
            if exit_.code:
                self.stderr.write("Some sample records could not be imported (listed above).")
        if not SHARED_CATALOGUE.is_dir():
            self.stdout.write(
                "Only the seed trial is loaded. To fetch a few hundred recruiting trials from "
                "ClinicalTrials.gov run: trialmatch sync --status RECRUITING --limit 300"
            )
        if queues_tasks():
            self.stdout.write("Running the queued background tasks (similar-trial lists).")
            requeue_interrupted()
            run_queued()
        self.stdout.write(f"{Trial.objects.count()} trials in the catalogue.")
        if not no_serve:
            # A worker beside the server, so a sync run while the demo serves is taken in too.
            worker = WorkerThread().start() if queues_tasks() else None
            try:
                call_command("serve", port=port, host=host)
            finally:
                if worker is not None:
                    worker.stop(timeout=5)
