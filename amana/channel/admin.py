from django.contrib import admin

from amana.channel.models import Hotline


@admin.register(Hotline)
class HotlineAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "area", "kind", "is_emergency", "hours", "languages")
    list_filter = ("area", "kind", "is_emergency")
    search_fields = ("name", "number")
