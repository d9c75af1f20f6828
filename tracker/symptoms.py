"""The day form's "Anything else today?" checklist: one list every part of the portal uses.

Pure: no models or views. CLINICAL.md ("When to contact the care team"): every rule in its table
needs a way in, so the day form carries a short checklist (one leg swollen or painful; chest pain
or sudden breathlessness; belly pain; vomiting or diarrhea; contact with chickenpox or measles).
Fever is not on it: it is the day's temperature.

Each item is (code, model field, label). The code is what files carry (the CSV `symptoms` column,
`;`-separated in SYMPTOMS order, and the FHIR export); the field is the DiaryDay boolean; the label
is what people read. The form, alerts, CSV, import, FHIR, trends and the visit summary all use this
list, in this order.
"""

from collections.abc import Iterable
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Symptom(NamedTuple):
    code: str
    field: str
    label: str


LEG_SWOLLEN = "leg_swollen"
CHEST_PAIN = "chest_pain"
BELLY_PAIN = "belly_pain"
VOMITING_DIARRHOEA = "vomiting_diarrhoea"
INFECTION_CONTACT = "infection_contact"

SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(LEG_SWOLLEN, "symptom_leg_swollen", _("One leg swollen or painful")),
    Symptom(CHEST_PAIN, "symptom_chest_pain", _("Chest pain or sudden trouble breathing")),
    Symptom(BELLY_PAIN, "symptom_belly_pain", _("Belly pain")),
    Symptom(VOMITING_DIARRHOEA, "symptom_vomiting_diarrhoea", _("Vomiting or diarrhea")),
    Symptom(
        INFECTION_CONTACT, "symptom_infection_contact", _("Contact with chickenpox or measles")
    ),
)
CODES: tuple[str, ...] = tuple(symptom.code for symptom in SYMPTOMS)
FIELDS: tuple[str, ...] = tuple(symptom.field for symptom in SYMPTOMS)
BY_CODE = {symptom.code: symptom for symptom in SYMPTOMS}
# Files carry the codes, separated by this; a reader also accepts spaces around them.
SEPARATOR = ";"


def ordered(codes: Iterable[str]) -> tuple[str, ...]:
    """The known codes among `codes`, once each, in SYMPTOMS order."""
    wanted = set(codes)
    return tuple(code for code in CODES if code in wanted)


def codes_of(values) -> frozenset[str]:
    """The ticked codes of anything with the symptom fields: a DiaryDay, or a mapping of field
    values (as `QuerySet.values()` gives)."""
    if hasattr(values, "get"):
        return frozenset(symptom.code for symptom in SYMPTOMS if values.get(symptom.field))
    return frozenset(symptom.code for symptom in SYMPTOMS if getattr(values, symptom.field, False))


def labels(codes: Iterable[str]) -> list[str]:
    """The labels of `codes`, in SYMPTOMS order."""
    return [str(BY_CODE[code].label) for code in ordered(codes)]


def to_text(codes: Iterable[str]) -> str:
    """The CSV cell: "leg_swollen;belly_pain" (SYMPTOMS order), empty when nothing was ticked."""
    return SEPARATOR.join(ordered(codes))


def from_text(text: str) -> tuple[frozenset[str], list[str]]:
    """The codes in a CSV cell, and the parts that are not codes (case and spaces ignored;
    empty parts, as in a trailing ";", are skipped)."""
    found, unknown = set(), []
    for part in text.split(SEPARATOR):
        code = part.strip().lower()
        if not code:
            continue
        if code in BY_CODE:
            found.add(code)
        else:
            unknown.append(part.strip())
    return frozenset(found), unknown
