"""Background work of the matching app, queued through Django's Tasks API.

With the database backend (the default) the tasks wait in the database until the worker
(``trialmatch worker``) runs them, so an import or sync returns as soon as its records are in.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from matching.similar import refresh_after_run

WORKER_MESSAGE = "Similar-trial lists will be refreshed by the worker (`trialmatch worker`)."


@task()
def refresh_similar_trials(run_id: int) -> int:
    """Recompute the similar-trial lists an import or sync run changed; returns the count."""
    return refresh_after_run(run_id)


def queue_similar_refresh(sender: Any, run: Any, **kwargs: Any) -> str:
    """Queue the similar-trial refresh of a run that changed trials, once its writes commit.

    Queued on commit so the worker never looks for trials a transaction has not yet
    written, and a rolled-back run queues nothing. Returns the line the command prints.
    """
    if not (run.imported or run.updated):
        return ""
    transaction.on_commit(partial(refresh_similar_trials.enqueue, run.pk))
    if isinstance(refresh_similar_trials.get_backend(), ImmediateBackend):
        return ""
    return WORKER_MESSAGE
