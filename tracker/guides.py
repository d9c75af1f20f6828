"""Links from the diary into the guides, as plain paths.

The tracker knows guides only by slug and anchor (DESIGN.md: education knows nothing of tracker,
and tracker does not import education), so a guide that lands later still links correctly.
"""

from django.conf import settings
from django.utils.functional import keep_lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

HOME_MONITORING = "home-monitoring"
# Sections of the home-monitoring guide, one per diary field.
MEASURE_ANCHORS = (
    "weight",
    "swelling",
    "foam",
    "dipstick",
    "blood-pressure",
    "temperature",
    "urine-amount",
    "medicines",
)
# Fields measured by following a picture: their link lands on the diagram in that section
# (education renders `figures/<name>.svg` as <figure id="figure-<name>">).
MEASURE_FIGURES = {
    "weight": "weighing",
    "swelling": "swelling-grades",
    "dipstick": "dipstick-pads",
    "blood-pressure": "blood-pressure-position",
}


def guide_url(slug: str, anchor: str = "", language: str | None = None) -> str:
    """/learn/<slug>/ or /learn/<slug>/#<anchor>, in `language` (default: the page's): English
    guides have no prefix, the others their code (/es/learn/<slug>/), as fsgs_portal/urls.py."""
    language = language or get_language() or settings.LANGUAGE_CODE
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    return f"{prefix}/learn/{slug}/#{anchor}" if anchor else f"{prefix}/learn/{slug}/"


def measure_url(anchor: str) -> str:
    """Where a field's "How do I measure this?" goes: its diagram, else its section."""
    if anchor not in MEASURE_ANCHORS:
        raise ValueError(f"No home-monitoring section {anchor!r}.")
    figure = MEASURE_FIGURES.get(anchor)
    return guide_url(HOME_MONITORING, f"figure-{figure}" if figure else anchor)


def measure_link(anchor: str, what: str) -> str:
    """A "How do I measure this?" link to the home-monitoring guide; `what` names the field for
    screen readers, so links to different sections do not share one accessible name."""
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> ({})</span></a>',
        measure_url(anchor),
        _("How do I measure this?"),
        what,
    )


# Lazy with lazy words: forms call it when their class is defined, long before anyone reads it.
@keep_lazy(SafeString)
def help_with_link(text: str, anchor: str, what: str) -> str:
    """Help text followed by its measuring link (crispy renders help text as trusted HTML)."""
    if not text:
        return measure_link(anchor, what)
    return format_html("{} {}", text, measure_link(anchor, what))
