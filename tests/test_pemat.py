"""PEMAT-P scores of every guide (issue 16), recomputed from the item-by-item scoring in
education/content/pemat.yaml and checked against the guides themselves and the README table.

AHRQ PEMAT-P: 17 understandability items (1-12, 15-19) and 7 actionability items (20-26); a
score is the share of items agreed among those that apply (N/A left out); 70% is the usual pass,
issue 16 asks for 90% in both after its changes."""

import re
from pathlib import Path

import pytest
import yaml

from education.loader import CONTENT_DIR

SCORES = yaml.safe_load((CONTENT_DIR / "pemat.yaml").read_text(encoding="utf-8"))
README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
GUIDES = sorted(path.stem for path in CONTENT_DIR.glob("*.md"))
FIGURE_LINE = re.compile(r'^!\[[^\]]{40,}\]\(figures/[a-z-]+\.svg "[^"]+"\)$', re.MULTILINE)
PICTURE_ITEMS = {15, 16, 17, 18, 26}


def percent(scores: dict, items: list[int]) -> int:
    """Agreed items as a whole percentage of the items that apply (PEMAT: N/A is left out)."""
    applicable = [scores[item] for item in items if scores[item] != "na"]
    return round(100 * sum(applicable) / len(applicable))


def markdown(slug: str) -> str:
    return (CONTENT_DIR / f"{slug}.md").read_text(encoding="utf-8")


def test_percent_leaves_out_not_applicable_items():
    assert percent({1: 1, 2: 0, 3: "na", 4: 1}, [1, 2, 3, 4]) == 67
    assert percent({1: 1, 2: "na"}, [1, 2]) == 100


def test_the_items_are_pemat_p():
    assert SCORES["understandability"] == [*range(1, 13), *range(15, 20)]
    assert SCORES["actionability"] == list(range(20, 27))
    assert set(SCORES["items"]) == set(SCORES["understandability"]) | set(SCORES["actionability"])


def test_every_guide_has_a_row_and_no_row_is_stale():
    assert sorted(SCORES["guides"]) == GUIDES


@pytest.mark.parametrize("slug", GUIDES)
@pytest.mark.parametrize("when", ["before", "after"])
def test_each_item_is_scored_and_each_lost_point_says_why(slug, when):
    row = SCORES["guides"][slug]
    scores, lost = row[when], row.get(f"lost_{when}") or {}
    assert set(scores) == set(SCORES["items"])
    for item, value in scores.items():
        assert value in (0, 1, "na"), (item, value)
        if value == "na":
            assert item in SCORES["na_allowed"], f"PEMAT has no N/A for item {item}"
    assert set(lost) == {item for item, value in scores.items() if value == 0}
    assert all(len(reason) > 20 for reason in lost.values())


@pytest.mark.parametrize("slug", GUIDES)
def test_after_the_changes_each_guide_scores_90_or_more(slug):
    after = SCORES["guides"][slug]["after"]
    assert percent(after, SCORES["understandability"]) >= 90
    assert percent(after, SCORES["actionability"]) >= 90


@pytest.mark.parametrize("slug", GUIDES)
def test_pictures_count_only_where_the_guide_has_a_figure_line(slug):
    has_figure = bool(FIGURE_LINE.search(markdown(slug)))
    row = SCORES["guides"][slug]
    for item in PICTURE_ITEMS:
        assert row["before"][item] != 1, "main had no pictures: the sanitiser dropped images"
        if not has_figure:
            assert row["after"][item] != 1, (slug, item)
    if not has_figure:
        assert {row["after"][item] for item in (16, 17, 18)} == {"na"}


@pytest.mark.parametrize("slug", GUIDES)
def test_tables_are_scored_only_where_the_guide_has_one(slug):
    source = markdown(slug)
    has_table = "|---" in source
    after = SCORES["guides"][slug]["after"]
    assert (after[19] == "na") == (not has_table)
    if not has_table and not FIGURE_LINE.search(source):
        assert after[25] == "na"


@pytest.mark.parametrize("slug", GUIDES)
def test_the_readme_table_shows_the_recomputed_scores(slug):
    row = SCORES["guides"][slug]
    u, a = SCORES["understandability"], SCORES["actionability"]
    cells = [percent(row[when], items) for when in ("before", "after") for items in (u, a)]
    expected = f"| {slug} | " + " | ".join(f"{value}%" for value in cells) + " |"
    assert expected in README
