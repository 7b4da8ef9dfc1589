"""The progress line that long-running commands show on a terminal."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from trials.models import ImportRun


def plain(text: str) -> str:
    """A ``style_func`` that leaves text as it is (no colour for messages that are data)."""
    return text


def is_tty(stream: Any) -> bool:
    """Whether a command's output stream (or the stream it wraps) is a terminal."""
    isatty = getattr(getattr(stream, "_out", stream), "isatty", None)
    return bool(isatty and isatty())


class ProgressLine(logging.Filter):
    """One status line on the terminal, rewritten at most a few times a second.

    ``describe`` gives the line for a run and the seconds since the start. Records logged by
    the ``quiet_logger`` clear the line first, so they do not run into it.
    """

    def __init__(
        self,
        stream: Any,
        describe: Callable[[ImportRun, float], str],
        *,
        quiet_logger: str | None = None,
    ) -> None:
        super().__init__()
        self.stream = stream
        self.describe = describe
        self.started = time.monotonic()
        self.shown = 0.0
        self.logger = logging.getLogger(quiet_logger) if quiet_logger else None
        if self.logger is not None:
            self.logger.addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        self._write("\r\x1b[K")
        return True

    def __call__(self, run: ImportRun) -> None:
        now = time.monotonic()
        if now - self.shown < 0.25:
            return
        self.shown = now
        self._write(f"\r{self.describe(run, now - self.started)}\x1b[K")

    def done(self) -> None:
        """Clear the line; later calls do nothing."""
        if self.stream is None:
            return
        self._write("\r\x1b[K")
        if self.logger is not None:
            self.logger.removeFilter(self)
        self.stream = None

    def _write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text, ending="", style_func=plain)
            self.stream.flush()


def records_done(run: ImportRun) -> int:
    """Records of a run handled so far, whatever became of them."""
    return run.imported + run.updated + run.unchanged + run.failed
