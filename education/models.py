"""Guides and glossary terms. The Markdown files in education/content/ are the source; the
database holds the rendered copy that pages read (see README "Guides")."""

from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

# Topic groups in the order the guide index shows them. Guide files in every language name the
# English key (so groups match); pages show it through gettext.
TOPICS = [
    gettext_noop("Understanding FSGS"),
    gettext_noop("Tests and results"),
    gettext_noop("Treatment"),
    gettext_noop("Staying safe"),
    gettext_noop("Daily life and home care"),
]


class Language(models.TextChoices):
    """Languages of the guides: English files in content/, the others in content/<code>/."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


def reverse_in(language: str, viewname: str, **kwargs) -> str:
    """A guide URL in `language`: /learn/… for English, /es/learn/… for Spanish."""
    with translation.override(language):
        return reverse(viewname, kwargs=kwargs or None)


class GuideQuerySet(models.QuerySet):
    def in_reading_order(self):
        topic_rank = models.Case(
            *[models.When(topic=topic, then=rank) for rank, topic in enumerate(TOPICS)],
            default=len(TOPICS),
        )
        return self.annotate(topic_rank=topic_rank).order_by("topic_rank", "order", "title")

    def in_language(self, language: str):
        return self.filter(language=language)


class Guide(models.Model):
    slug = models.SlugField()
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
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
    # English: Flesch–Kincaid grade. Spanish: Fernández-Huerta and Szigriszt-Pazos (INFLESZ)
    # ease, 0–100, higher is easier (education/readability.py); the other language's stay empty.
    reading_grade = models.DecimalField(max_digits=4, decimal_places=1, editable=False, null=True)
    fernandez_huerta = models.DecimalField(
        max_digits=5, decimal_places=1, editable=False, null=True
    )
    szigriszt_pazos = models.DecimalField(max_digits=5, decimal_places=1, editable=False, null=True)
    word_count = models.PositiveIntegerField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        ordering = ["topic", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="guide_slug_language_unique")
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        from education.rendering import render_guide

        terms = GlossaryTerm.objects.filter(language=self.language)
        rendered = render_guide(self.body_markdown, terms, self.language)
        self.body_html = rendered.html
        self.plain_text = rendered.text
        self.reading_grade = rendered.grade
        self.fernandez_huerta = rendered.fernandez_huerta
        self.szigriszt_pazos = rendered.szigriszt_pazos
        self.word_count = rendered.words
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_in(self.language, "education:guide", slug=self.slug)


class GlossaryTerm(models.Model):
    slug = models.SlugField()
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    term = models.CharField(max_length=120)
    definition = models.TextField()
    also = models.JSONField(default=list, blank=True, help_text=_("Other forms that link here."))

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="term_slug_language_unique")
        ]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse_in(self.language, "education:glossary") + f"#{self.slug}"

    @property
    def phrases(self) -> list[str]:
        """Words that link to this term: the term (less any parenthesis) and `also`."""
        base = self.term.split(" (")[0].strip().lower()
        return sorted({base, *(phrase.lower() for phrase in self.also)}, key=len, reverse=True)
