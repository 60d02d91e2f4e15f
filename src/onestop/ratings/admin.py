"""Configuration screens of ratings: each centre's rating policy."""

from django.contrib import admin

from onestop.ratings.models import RatingPolicy


@admin.register(RatingPolicy)
class RatingPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "centre",
        "change_period_hours",
        "default_rating_days",
        "rectification_working_days",
        "appeal_days",
        "screen_link_minutes",
    )
