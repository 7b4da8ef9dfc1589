"""The trial catalogue.

``Trial.record`` holds the whole normalised record (``ctgov.record.TrialRecord``
as a dict); the other columns are copies of the parts that are searched,
filtered, sorted or shown in lists, kept in step by the import service.
"""

from django.db import models


class Trial(models.Model):
    nct_id = models.CharField(max_length=16, unique=True)
    title = models.TextField()
    official_title = models.TextField(blank=True)
    brief_summary = models.TextField(blank=True)
    overall_status = models.CharField(max_length=32, blank=True, db_index=True)
    study_type = models.CharField(max_length=32, blank=True)
    phases = models.JSONField(default=list, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    intervention_names = models.JSONField(default=list, blank=True)
    lead_sponsor = models.TextField(blank=True)
    enrollment_count = models.IntegerField(null=True, blank=True)
    sex = models.CharField(max_length=8, blank=True)
    minimum_age_years = models.FloatField(null=True, blank=True)
    maximum_age_years = models.FloatField(null=True, blank=True)
    healthy_volunteers = models.BooleanField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    last_update_posted = models.DateField(null=True, blank=True, db_index=True)
    eligibility_criteria = models.TextField(blank=True)
    # Flat text for the full-text index (kept in step by the index triggers / generated column).
    search_conditions = models.TextField(blank=True, help_text="Conditions and their MeSH terms.")
    search_interventions = models.TextField(blank=True, help_text="Names, other names, MeSH.")
    search_keywords = models.TextField(blank=True)
    record = models.JSONField()
    content_hash = models.CharField(max_length=64)
    source = models.TextField(blank=True, help_text="Where the current copy was read from.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nct_id"]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.title}"


class Site(models.Model):
    """A place where the trial enrols people."""

    # Looked up by trial through the covering index trials_site_trial_geo (migration 0002).
    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites", db_index=False)
    position = models.PositiveIntegerField(default=0)
    facility = models.TextField(blank=True)
    city = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=200, blank=True)
    zip = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=32, blank=True)
    contacts = models.JSONField(default=list, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "position"]
        # Points are looked up through the covering index trials_site_geo (migration 0002).
        indexes = [
            models.Index(fields=["city"]),
            models.Index(fields=["zip"]),
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.facility, self.city, self.country) if p)


class TrialFacet(models.Model):
    """One facet value of a trial (a trial has several phases, countries, ...)."""

    # Looked up by trial through the unique constraint's index, which starts with it.
    trial = models.ForeignKey(
        Trial, on_delete=models.CASCADE, related_name="facets", db_index=False
    )
    name = models.CharField(max_length=32)
    value = models.CharField(max_length=100)

    class Meta:
        indexes = [models.Index(fields=["name", "value", "trial"])]
        constraints = [
            models.UniqueConstraint(fields=["trial", "name", "value"], name="unique_trial_facet")
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ImportRun(models.Model):
    class Kind(models.TextChoices):
        FILES = "files", "Files"
        SYNC = "sync", "Sync from ClinicalTrials.gov"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FILES)
    sources = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def summary(self) -> str:
        return (
            f"imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, failed {self.failed}"
        )


class ImportFailure(models.Model):
    """A record an import could not take, and why."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="failures")
    source = models.TextField()
    location = models.CharField(max_length=100, blank=True)
    nct_id = models.CharField(max_length=16, blank=True)
    reason = models.TextField()

    def __str__(self) -> str:
        where = f"{self.source} {self.location}".strip()
        return f"{where}: {self.reason}"


class ChangeEvent(models.Model):
    """A change to a trial that people watching it care about."""

    class Kind(models.TextChoices):
        CREATED = "created", "New trial"
        STATUS = "status", "Status changed"
        SITES = "sites", "Sites changed"
        ELIGIBILITY = "eligibility", "Eligibility criteria changed"

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="changes")
    run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trial.nct_id}: {self.get_kind_display()}"


class SyncCheckpoint(models.Model):
    """Where an interrupted ``trialmatch sync`` picks up again."""

    query_key = models.CharField(max_length=200, unique=True)
    params = models.JSONField(default=dict)
    next_page_token = models.TextField(blank=True)
    pages_done = models.PositiveIntegerField(default=0)
    records_seen = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)
    latest_update_seen = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.query_key


class DeferredIndex(models.Model):
    """An index or foreign key a large import dropped, kept here until it is made again, so
    that an import that was killed before that loses nothing (``trials.services.indexes``)."""

    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField()

    def __str__(self) -> str:
        return self.name
