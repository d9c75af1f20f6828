"""Print the guides' reading levels as a Markdown table, from the loaded guides (README)."""

from django.core.management.base import BaseCommand, CommandError

from education.models import Guide, Language
from education.readability import (
    fernandez_huerta,
    inflesz_level,
    reading_grade,
    szigriszt_pazos,
)


def english_rows(guides) -> list[list[str]]:
    return [
        [g.slug, str(g.word_count), f"{g.reading_grade:.1f}", f"{reading_grade(g.summary):.1f}"]
        for g in guides
    ]


def spanish_rows(guides) -> list[list[str]]:
    return [
        [
            g.slug,
            str(g.word_count),
            f"{g.fernandez_huerta:.1f}",
            f"{g.szigriszt_pazos:.1f}",
            inflesz_level(g.szigriszt_pazos),
            f"{fernandez_huerta(g.summary):.1f}",
            f"{szigriszt_pazos(g.summary):.1f}",
        ]
        for g in guides
    ]


TABLES = {
    # language: (header, rows, sort key for --worst: hardest first)
    Language.ENGLISH: (
        ["guide", "words", "grade (Flesch–Kincaid)", "summary grade"],
        english_rows,
        lambda g: -g.reading_grade,
    ),
    Language.SPANISH: (
        ["guide", "words", "Fernández-Huerta", "INFLESZ", "INFLESZ level", "summary FH",
         "summary INFLESZ"],
        spanish_rows,
        lambda g: g.szigriszt_pazos,
    ),
}  # fmt: skip


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


class Command(BaseCommand):
    help = "Print each loaded guide's reading level in one language as a Markdown table."

    def add_arguments(self, parser):
        parser.add_argument("--language", default="en", choices=[c for c, _n in Language.choices])
        parser.add_argument(
            "--worst", type=int, default=0, help="Only the N hardest guides, hardest first."
        )

    def handle(self, *args, language, worst, **options):
        header, rows, hardest_first = TABLES[language]
        guides = list(Guide.objects.filter(language=language).order_by("slug"))
        if not guides:
            raise CommandError(f"No {language} guides are loaded: run load_guides first.")
        if worst:
            guides = sorted(guides, key=hardest_first)[:worst]
        self.stdout.write(markdown_table(header, rows(guides)))
