"""Tables of the matching app."""

from django.db import models
from django.utils import timezone

from trials.models import Trial


class SimilarTrial(models.Model):
    """One entry of a trial's precomputed "similar trials" list, so its page costs one query.

    Rank 0 with no ``similar`` marks a trial whose list has been computed (possibly empty);
    ranks 1.. are the similar trials, best first.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="similar_entries")
    similar = models.ForeignKey(
        Trial, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trial", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "rank"], name="unique_similar_rank"),
        ]
        indexes = [models.Index(fields=["similar"], name="similar_similar_idx")]

    def __str__(self) -> str:
        return f"{self.trial_id} #{self.rank}: {self.similar_id}"


class TrialVector(models.Model):
    """A trial's sentence embedding (float16 bytes), keyed by a hash of the embedded text.

    A plain bytes column rather than pgvector, so SQLite and PostgreSQL store it alike; the
    site ranks them in memory (``matching.vectors``).
    """

    trial = models.OneToOneField(
        Trial, on_delete=models.CASCADE, primary_key=True, related_name="vector"
    )
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField()
    # Indexed: the site checks the newest change (and the count) to know when to reload.
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.trial_id}: {self.text_hash[:12]}"


class SavedProfile(models.Model):
    """The "Find trials for me" answers as the person typed them, so the form comes back filled.

    Keyed by ``owner_key`` like the pre-screener's answers ("session:<token>" for a visitor,
    "user:<id>" for an account), so a visitor's answers move to their account on sign-in.
    """

    owner_key = models.CharField(max_length=80, unique=True)
    answers = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.owner_key
