"""Signals other apps listen to, so the catalogue never imports them."""

from django.dispatch import Signal

# Sent after an import or sync run has written its changes; argument: ``run`` (an ImportRun).
# Receivers may return a short message for the person running the command.
catalogue_changed = Signal()
