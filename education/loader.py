"""Load the guide files (education/content/*.md with front matter) and glossary.yaml into the
database, and each translation from its own folder (content/es/: the same slugs and front-matter
keys, `topic` still the English key). Idempotent: running it again changes only what changed;
the files win over admin edits."""

from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml
from django.db import transaction

from education.models import TOPICS, GlossaryTerm, Guide, Language

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Translations live in content/<code>/; English is content/ itself.
TRANSLATIONS = [code for code, _name in Language.choices if code != Language.ENGLISH]
REQUIRED = ["title", "summary", "audience", "topic", "order", "last_reviewed", "reviewed_by"]
GUIDE_FIELDS = [*REQUIRED, "sources", "related", "when_to_call", "body_markdown"]


class ContentError(ValueError):
    """A guide or glossary file that cannot be loaded; the message names the file."""


@dataclass
class LoadReport:
    language: str = Language.ENGLISH
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    terms: int = 0
    # The other languages' reports, when this is the English one (load_content).
    translations: list["LoadReport"] = field(default_factory=list)

    def __str__(self):
        return (
            f"{len(self.created)} new, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.removed)} removed; "
            f"{self.terms} glossary terms"
        )


def read_guide_file(path: Path) -> dict:
    post = frontmatter.load(path)
    missing = [key for key in REQUIRED if key not in post.metadata]
    if missing:
        raise ContentError(f"{path.name}: front matter lacks {', '.join(missing)}")
    if post.metadata["topic"] not in TOPICS:
        raise ContentError(f"{path.name}: topic {post.metadata['topic']!r} is not one of {TOPICS}")
    values = {key: post.metadata[key] for key in REQUIRED}
    values["sources"] = list(post.metadata.get("sources") or [])
    values["related"] = list(post.metadata.get("related") or [])
    values["when_to_call"] = list(post.metadata.get("when_to_call") or [])
    values["body_markdown"] = post.content.strip() + "\n"
    if not values["sources"]:
        raise ContentError(f"{path.name}: every guide names its sources")
    return values


def read_glossary(path: Path) -> list[dict]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    for entry in entries:
        if not {"term", "slug", "definition"} <= entry.keys():
            raise ContentError(f"{path.name}: entry {entry!r} needs term, slug and definition")
    return entries


def language_dir(content_dir: Path, language: str) -> Path:
    return content_dir if language == Language.ENGLISH else content_dir / language


@transaction.atomic
def load_content(content_dir: Path = CONTENT_DIR) -> LoadReport:
    """Every language: English from content_dir, each translation from content_dir/<code>/.
    A translation whose slug has no English guide is an error (it could link to nothing)."""
    english_slugs = {path.stem for path in content_dir.glob("*.md")}
    report = load_language(content_dir, Language.ENGLISH)
    for language in TRANSLATIONS:
        folder = language_dir(content_dir, language)
        orphans = sorted(
            path.name for path in folder.glob("*.md") if path.stem not in english_slugs
        )
        if orphans:
            raise ContentError(
                f"{language}/{', '.join(orphans)}: no English guide of the same name (slug)"
            )
        report.translations.append(load_language(content_dir, language))
    return report


def load_language(content_dir: Path, language: str) -> LoadReport:
    folder = language_dir(content_dir, language)
    report = LoadReport(language=language)
    glossary_path = folder / "glossary.yaml"
    glossary = read_glossary(glossary_path) if glossary_path.exists() else []
    terms = GlossaryTerm.objects.filter(language=language)
    terms.exclude(slug__in=[e["slug"] for e in glossary]).delete()
    for entry in glossary:
        GlossaryTerm.objects.update_or_create(
            slug=entry["slug"],
            language=language,
            defaults={
                "term": entry["term"],
                "definition": entry["definition"],
                "also": list(entry.get("also") or []),
            },
        )
    report.terms = len(glossary)

    files = sorted(folder.glob("*.md"))
    guides = Guide.objects.filter(language=language)
    existing = {guide.slug: guide for guide in guides}
    for path in files:
        slug, values = path.stem, read_guide_file(path)
        guide = existing.get(slug) or Guide(slug=slug, language=language)
        # Glossary edits change every guide's links, so always re-render; report real changes.
        changed = guide.pk is None or any(getattr(guide, k) != values[k] for k in GUIDE_FIELDS)
        for key, value in values.items():
            setattr(guide, key, value)
        before = guide.body_html
        was_new = guide.pk is None
        guide.save()
        if was_new:
            report.created.append(slug)
        elif changed or guide.body_html != before:
            report.updated.append(slug)
        else:
            report.unchanged.append(slug)
    stale = guides.exclude(slug__in=[path.stem for path in files])
    report.removed = list(stale.values_list("slug", flat=True))
    stale.delete()
    return report
