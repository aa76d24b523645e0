"""Django admin for what administrators maintain in the participation domain: response templates and the
answer obligations (deadlines). Answers themselves are written in the Commission's work queue, through the
services, never here."""

from django.contrib import admin

from .models import ObligationRule, ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "is_active")
    list_filter = ("is_active", "status")
    search_fields = ("name", "text_kk", "text_ru", "text_en")


@admin.register(ObligationRule)
class ObligationRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "consultation", "min_supports", "days", "is_active")
    list_filter = ("is_active", "consultation")
