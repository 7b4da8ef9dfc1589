from django.contrib import admin

from prescreen.models import AnswerSet, ProfileFacts


@admin.register(AnswerSet)
class AnswerSetAdmin(admin.ModelAdmin):
    list_display = ["owner_key", "nct_id", "updated_at"]
    search_fields = ["owner_key", "nct_id"]
    readonly_fields = ["updated_at"]


@admin.register(ProfileFacts)
class ProfileFactsAdmin(admin.ModelAdmin):
    list_display = ["owner_key", "updated_at"]
    search_fields = ["owner_key"]
    readonly_fields = ["updated_at"]
