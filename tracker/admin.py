from django.contrib import admin

from tracker.models import CareAccess, Patient


class CareAccessInline(admin.TabularInline):
    model = CareAccess
    fk_name = "patient"
    extra = 0
    raw_id_fields = ("user", "invited_by")


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("display_name", "public_id", "fsgs_type", "created_at")
    search_fields = ("display_name", "public_id")
    inlines = [CareAccessInline]
