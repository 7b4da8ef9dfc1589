"""Running the tasks queued in the database (django-tasks-db) from TrialMatch's own commands."""

from __future__ import annotations

import threading

from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks import (
    DEFAULT_TASK_BACKEND_ALIAS,
    DEFAULT_TASK_QUEUE_NAME,
    TaskResultStatus,
    task_backends,
)
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def queues_tasks() -> bool:
    """Whether background tasks wait in the database for a worker.

    False with ``TRIALMATCH_TASKS_BACKEND=immediate``: the command that queues a task runs it.
    """
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend)


def _worker(*, batch: bool, interval: float = 1.0) -> Worker:
    return Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=interval,
        batch=batch,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )


def requeue_interrupted() -> int:
    """Queue again the tasks a stopped demo left marked running; returns how many.

    The demo's worker is the only one on its database, so a task still running when the demo
    starts was cut off by Ctrl+C. The refresh tasks are safe to run twice.
    """
    return DBTaskResult.objects.running().update(status=TaskResultStatus.READY, started_at=None)


def run_queued() -> None:
    """Run every task queued now, then return.

    Unlike ``db_worker --batch`` it leaves the process's signal handlers alone, so a server
    started afterwards in the same process still stops on Ctrl+C.
    """
    _worker(batch=True).run()


class WorkerThread:
    """A worker in a thread of the web server's process, so ``trialmatch demo`` needs no second
    command; it ends with the process."""

    def __init__(self, interval: float = 1.0) -> None:
        self.worker = _worker(batch=False, interval=interval)
        self.thread = threading.Thread(target=self._run, name="trialmatch-worker", daemon=True)

    def start(self) -> WorkerThread:
        self.thread.start()
        return self

    def stop(self, timeout: float | None = None) -> None:
        """Let the task in hand finish, then end the thread."""
        self.worker.running = False
        self.thread.join(timeout)

    def _run(self) -> None:
        try:
            self.worker.run()
        finally:
            connections.close_all()
