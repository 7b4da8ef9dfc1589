"""Admin for the catalogue and its imports: mostly for looking, since imports write trials."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from trials.models import ChangeEvent, ImportFailure, ImportRun, Site, Trial


class ReadOnlyInline(admin.TabularInline):
    """Rows the import writes; shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SiteInline(ReadOnlyInline):
    model = Site
    fields = ("position", "facility", "city", "state", "zip", "country", "status", "latitude")
    readonly_fields = fields
    ordering = ("position",)


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ("nct_id", "title", "overall_status", "study_type", "last_update_posted")
    list_filter = ("overall_status", "study_type")
    search_fields = ("=nct_id", "title")
    fields = (
        "nct_id",
        "public_page",
        "title",
        "overall_status",
        "study_type",
        "phases",
        "conditions",
        "lead_sponsor",
        "last_update_posted",
        "source",
        "content_hash",
        "imported_at",
        "updated_at",
        "record",
    )
    readonly_fields = fields
    inlines = [SiteInline]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the import keeps the columns in step with the record

    @admin.display(description="Public page")
    def public_page(self, trial: Trial) -> str:
        try:
            url = reverse("trials:detail", args=[trial.nct_id])
        except NoReverseMatch:
            return "-"
        return format_html('<a href="{}">{}</a>', url, url)

    def view_on_site(self, trial: Trial) -> str:
        return reverse("trials:detail", args=[trial.nct_id])


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("facility", "city", "country", "status", "trial")
    list_filter = ("status",)
    search_fields = ("facility", "city", "zip", "=trial__nct_id")
    list_select_related = ("trial",)
    raw_id_fields = ("trial",)
    show_full_result_count = False


class ImportFailureInline(ReadOnlyInline):
    model = ImportFailure
    fields = ("source", "location", "nct_id", "reason")
    readonly_fields = fields


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "started_at",
        "finished_at",
        "imported",
        "updated",
        "unchanged",
        "failed",
    )
    list_filter = ("kind",)
    date_hierarchy = "started_at"
    readonly_fields = (
        "kind",
        "sources",
        "started_at",
        "finished_at",
        "imported",
        "updated",
        "unchanged",
        "failed",
    )
    inlines = [ImportFailureInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ImportFailure)
class ImportFailureAdmin(admin.ModelAdmin):
    list_display = ("run", "source", "location", "nct_id", "reason")
    list_filter = ("run",)
    search_fields = ("=nct_id", "source", "reason")
    list_select_related = ("run",)
    readonly_fields = ("run", "source", "location", "nct_id", "reason")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ChangeEvent)
class ChangeEventAdmin(admin.ModelAdmin):
    list_display = ("trial", "kind", "created_at", "run")
    list_filter = ("kind",)
    date_hierarchy = "created_at"
    search_fields = ("=trial__nct_id",)
    list_select_related = ("trial", "run")
    readonly_fields = ("trial", "run", "kind", "before", "after", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
