from django.contrib import admin

from education.models import GlossaryTerm, Guide


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ("title", "topic", "order", "reading_grade", "word_count", "last_reviewed")
    list_filter = ("topic",)
    search_fields = ("title", "summary", "body_markdown")
    readonly_fields = ("reading_grade", "word_count", "updated_at")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term", "slug")
    search_fields = ("term", "definition")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for guide in Guide.objects.all():  # re-link every guide to the changed definition
            guide.save()
