from django.contrib import admin

from matching.models import SavedProfile


@admin.register(SavedProfile)
class SavedProfileAdmin(admin.ModelAdmin):
    """Staff can look at (and delete) kept answers; only their owner writes them."""

    list_display = ["owner_key", "updated_at"]
    search_fields = ["owner_key"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
