"""Guides and glossary terms. The Markdown files in education/content/ are the source; the
database holds the rendered copy that pages read (see README "Guides")."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Topic groups in the order the guide index shows them. Stored in English (guides name them in
# their front matter) and marked here; pages translate them with {% translate topic %}.
TOPICS = [
    gettext_noop("Understanding FSGS"),
    gettext_noop("Tests and results"),
    gettext_noop("Treatment"),
    gettext_noop("Staying safe"),
    gettext_noop("Daily life and home care"),
]


class GuideQuerySet(models.QuerySet):
    def in_reading_order(self):
        topic_rank = models.Case(
            *[models.When(topic=topic, then=rank) for rank, topic in enumerate(TOPICS)],
            default=len(TOPICS),
        )
        return self.annotate(topic_rank=topic_rank).order_by("topic_rank", "order", "title")


class Guide(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=400)
    audience = models.CharField(max_length=120)
    topic = models.CharField(max_length=80)
    order = models.PositiveIntegerField(default=0)
    last_reviewed = models.DateField()
    reviewed_by = models.CharField(max_length=200)
    sources = models.JSONField(default=list)
    related = models.JSONField(default=list, help_text=_("Slugs of related guides."))
    when_to_call = models.JSONField(default=list)
    body_markdown = models.TextField(
        help_text=_(
            "Edits here last until the guide files are loaded again (make run, load_guides): "
            "the files in education/content/ win. Change the file to keep an edit."
        )
    )
    # Derived from body_markdown by education.rendering when saved.
    body_html = models.TextField(editable=False)
    plain_text = models.TextField(editable=False)
    reading_grade = models.DecimalField(max_digits=4, decimal_places=1, editable=False)
    word_count = models.PositiveIntegerField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from education.rendering import render_guide

        rendered = render_guide(self.body_markdown, GlossaryTerm.objects.all())
        self.body_html = rendered.html
        self.plain_text = rendered.text
        self.reading_grade = rendered.grade
        self.word_count = rendered.words
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("education:guide", kwargs={"slug": self.slug})


class GlossaryTerm(models.Model):
    slug = models.SlugField(unique=True)
    term = models.CharField(max_length=120)
    definition = models.TextField()
    also = models.JSONField(default=list, blank=True, help_text=_("Other forms that link here."))

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("education:glossary") + f"#{self.slug}"

    @property
    def phrases(self) -> list[str]:
        """Words that link to this term: the term (less any parenthesis) and `also`."""
        base = self.term.split(" (")[0].strip().lower()
        return sorted({base, *(phrase.lower() for phrase in self.also)}, key=len, reverse=True)
