from django.contrib import admin

from tracker.models import AccessLog, CareAccess, Patient


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


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Read-only: the access log is append-only, here as in the app."""

    list_display = ("at", "who", "action", "path", "status", "ip")
    list_filter = ("action",)
    search_fields = ("who", "path")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
