"""Reading ease of the Spanish guides (issue #17): every guide in education/content/es/ at least
70 Fernández-Huerta and 65 INFLESZ ("bastante fácil") for its body, its summary higher (75 / 70).
Scores come from textstat 0.7.8 with set_lang("es") on the rendered text, as the page shows."""

from pathlib import Path

import frontmatter
import pytest
import textstat

from education.loader import CONTENT_DIR
from education.readability import fernandez_huerta, inflesz_level, reading_grade, szigriszt_pazos
from education.rendering import render_guide

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "es"
SPANISH_GUIDES = sorted((CONTENT_DIR / "es").glob("*.md"))
BODY_FLOOR = {"Fernández-Huerta": 70, "INFLESZ": 65}
SUMMARY_FLOOR = {"Fernández-Huerta": 75, "INFLESZ": 70}
# A short Spanish text whose counts are checked by hand below.
SAMPLE = "El riñón limpia la sangre. Tiene muchos filtros pequeños. Si se dañan, pasa proteína."


def scores(text: str) -> dict[str, float]:
    return {"Fernández-Huerta": fernandez_huerta(text), "INFLESZ": szigriszt_pazos(text)}


def reading_problems(path: Path) -> list[str]:
    """Each score of a Spanish guide file under its floor, named; none when it reads easily."""
    post = frontmatter.load(path)
    body = render_guide(post.content, [], "es").text
    problems = []
    for part, text, floors in (
        ("body", body, BODY_FLOOR),
        ("summary", post.metadata["summary"], SUMMARY_FLOOR),
    ):
        for name, score in scores(text).items():
            if score < floors[name]:
                problems.append(f"{path.name} {part}: {name} {score} < {floors[name]}")
    return problems


@pytest.mark.parametrize("path", SPANISH_GUIDES, ids=[p.stem for p in SPANISH_GUIDES])
def test_every_spanish_guide_reads_easily(path):
    assert reading_problems(path) == []


def test_the_check_fails_a_hard_sample_and_passes_an_easy_one():
    hard = reading_problems(FIXTURES / "kidney-biopsy.md")
    assert any("body: Fernández-Huerta" in problem for problem in hard)
    assert any("body: INFLESZ" in problem for problem in hard)
    assert any("summary: INFLESZ" in problem for problem in hard)
    assert reading_problems(FIXTURES / "what-is-fsgs.md") == []


def test_scores_are_textstats_own_spanish_numbers():
    textstat.set_lang("es")
    try:
        expected_fh = textstat.fernandez_huerta(SAMPLE)
        expected_sp = textstat.szigriszt_pazos(SAMPLE)
    finally:
        textstat.set_lang("en_US")
    assert fernandez_huerta(SAMPLE) == pytest.approx(expected_fh, abs=0.05)
    assert szigriszt_pazos(SAMPLE) == pytest.approx(expected_sp, abs=0.05)
    # By hand: 14 words, 3 sentences, 26 syllables as textstat's Spanish hyphenation splits
    # them (pro-teí-na: 3), in Fernández-Huerta's formula.
    words, sentences, syllables = 14, 3, 26
    by_hand = 206.84 - 60 * syllables / words - 1.02 * words / sentences
    assert fernandez_huerta(SAMPLE) == pytest.approx(by_hand, abs=0.05)


def test_spanish_scores_leave_the_english_grade_alone():
    english = "The kidneys clean your blood. Each one has about a million tiny filters."
    before = reading_grade(english)
    fernandez_huerta(SAMPLE)
    szigriszt_pazos(SAMPLE)
    assert reading_grade(english) == before
    # textstat's shared object still counts English syllables.
    assert textstat.textstat._textstatistics__lang == "en_US"


@pytest.mark.parametrize(
    ("score", "level"),
    [(95, "very easy"), (80, "very easy"), (79.9, "fairly easy"), (65, "fairly easy"),
     (60, "normal"), (45, "somewhat hard"), (10, "very hard"), (-24, "very hard")],
)  # fmt: skip
def test_inflesz_levels(score, level):
    assert inflesz_level(score) == level
