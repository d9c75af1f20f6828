from django.contrib import admin

from education.models import GlossaryTerm, Guide


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = (
        "title", "language", "topic", "order", "reading_grade", "fernandez_huerta",
        "szigriszt_pazos", "word_count", "last_reviewed",
    )  # fmt: skip
    list_filter = ("language", "topic")
    search_fields = ("title", "summary", "body_markdown")
    readonly_fields = (
        "reading_grade", "fernandez_huerta", "szigriszt_pazos", "word_count", "updated_at",
    )  # fmt: skip


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ("term", "slug", "language")
    list_filter = ("language",)
    search_fields = ("term", "definition")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Re-link every guide of the term's language to the changed definition.
        for guide in Guide.objects.filter(language=obj.language):
            guide.save()
