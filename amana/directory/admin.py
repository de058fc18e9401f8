from django.contrib import admin

from amana.directory.models import Service


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "number",
        "area",
        "is_hotline",
        "is_emergency",
        "accepts_children",
        "organisation",
        "is_active",
    )
    list_filter = ("kind", "area", "is_hotline", "is_emergency", "accepts_children", "is_active")
    search_fields = ("name", "number", "accepts")
    list_select_related = ("organisation",)
