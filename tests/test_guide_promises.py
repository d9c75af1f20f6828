"""No guide promises a check the portal does not make (issue #10).

A guide section that says the portal alerts, checks or reminds must be listed in PROMISES with the
alert rules that keep the promise, and every one of those rules must exist in tracker/alerts.py.
A new promise in a guide fails the first test until someone maps it to a real rule; a rule that is
renamed or removed fails the second. The last test goes the other way: every rule is explained in
the when-to-call guide, at the anchor its alerts link to.
"""

import re
from pathlib import Path

import pytest

from tracker import alerts

CONTENT = Path(__file__).resolve().parent.parent / "education" / "content"

# A sentence that says the portal (or its diary) itself alerts, checks, reminds or shows a note.
CLAIM = re.compile(
    r"\b(portal|diary)\b[^.!?]*\b(alerts?|checks?|reminds?|warns?|shows a note)\b"
    r"|\b(alerts?|checks?)\b[^.!?]*\bportal\b"
    r"|\bit (alerts|checks|reminds|shows an? [a-z]+ alert)\b",
    re.IGNORECASE,
)
# Sentences that match CLAIM but promise no check: advice about the alerts, or what runs for whom.
NOT_A_PROMISE = re.compile(
    r"are the portal's alert numbers right|alert in the portal does not reach|"
    r"read any alert the portal shows|alerts? use numbers meant for|"
    r"check your blood pressure at home and enter it",
    re.IGNORECASE,
)

WEIGHT = {"weight_gain_1d", "weight_gain_7d"}
BLOOD_PRESSURE = {"high_bp", "bp_above_team_number"}
CHECKLIST = {"blood_clot", "belly_pain_fever", "child_exposure"}
EVERY_RULE = set(alerts.RULES)

# (guide slug, section anchor) -> the alert rules that keep what the section promises.
# "" is the text before the first heading.
PROMISES = {
    ("when-to-call", "checklist"): CHECKLIST,
    ("when-to-call", "weight-gain"): WEIGHT,
    ("when-to-call", "dipstick-relapse"): {"dipstick_relapse"},
    ("when-to-call", "dipstick-remission"): {"dipstick_remission"},
    ("when-to-call", "fever"): {"fever"},
    ("when-to-call", "belly-pain-fever"): {"belly_pain_fever"},
    ("when-to-call", "high-blood-pressure"): BLOOD_PRESSURE,
    ("when-to-call", "blood-clots"): {"blood_clot"},
    ("when-to-call", "less-urine"): {"less_urine"},
    ("when-to-call", "severe-swelling"): {"severe_swelling"},
    ("when-to-call", "child-exposures"): {"child_exposure"},
    # "Until you enter numbers, the portal still runs every other check."
    ("when-to-call", "children"): EVERY_RULE - WEIGHT - BLOOD_PRESSURE,
    ("blood-clots", "what-to-do"): {"blood_clot"},
    ("children-and-caregivers", "relapse-plan"): {"dipstick_relapse"},
    ("children-and-caregivers", "numbers-for-children"): EVERY_RULE - WEIGHT - BLOOD_PRESSURE,
    ("children-and-caregivers", "exposures"): {"child_exposure"},
    ("home-monitoring", "weight"): WEIGHT,
    ("symptoms", "weight-gain"): WEIGHT,
    ("home-monitoring", "temperature"): {"fever", "belly_pain_fever"},
    ("infections-and-vaccines", "fever"): {"fever"},
    ("infections-and-vaccines", "belly-pain-fever"): {"belly_pain_fever"},
    ("infections-and-vaccines", "child-exposures"): {"child_exposure"},
}


def sections(text: str) -> dict[str, str]:
    """A guide's body split at its `## Heading {#anchor}` lines, keyed by anchor."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---") else text
    parts = {}
    anchor = ""
    for line in body.splitlines():
        heading = re.match(r"^##\s.*\{#([a-z0-9-]+)\}\s*$", line)
        if heading:
            anchor = heading.group(1)
            continue
        parts[anchor] = parts.get(anchor, "") + line + "\n"
    return parts


def promises_in_guides() -> dict[tuple[str, str], list[str]]:
    found = {}
    for path in sorted(CONTENT.glob("*.md")):
        for anchor, text in sections(path.read_text(encoding="utf-8")).items():
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
            claims = [s for s in sentences if CLAIM.search(s) and not NOT_A_PROMISE.search(s)]
            if claims:
                found[(path.stem, anchor)] = claims
    return found


def test_it_maps_every_promise_in_a_guide_to_alert_rules():
    found = promises_in_guides()
    unmapped = {key: claims for key, claims in found.items() if key not in PROMISES}
    assert not unmapped, (
        "These guide sections say the portal checks something; map each to the alert rules "
        f"that do it (or reword it): {unmapped}"
    )


@pytest.mark.parametrize(("section", "rules"), sorted(PROMISES.items()))
def test_every_promised_rule_exists_in_the_alert_module(section, rules):
    assert rules, section
    assert rules <= set(alerts.RULES), sorted(rules - set(alerts.RULES))


def test_the_promise_map_has_no_stale_sections():
    # A section listed here that no longer promises anything should be taken out of the map.
    assert set(PROMISES) <= set(promises_in_guides())


def test_every_rule_is_explained_in_the_when_to_call_guide():
    explained = set().union(
        *(
            rules
            for (slug, anchor), rules in PROMISES.items()
            if slug == "when-to-call" and anchor != "children"
        )
    )
    assert set(alerts.RULES) <= explained


def test_the_claim_finder_sees_a_made_up_promise():
    # Guards the guard: the exposure promise that issue #10 found would be caught.
    text = "---\ntitle: x\n---\n## Mumps {#mumps}\n\nThe portal alerts you after mumps contact.\n"
    parts = sections(text)
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(parts["mumps"].split()))
    assert [s for s in sentences if CLAIM.search(s)] == [
        "The portal alerts you after mumps contact."
    ]
