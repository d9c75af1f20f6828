"""Plain words for the access log: what a logged path was, for the owner to read.

Pure: strings in, strings out. Paths follow DESIGN.md's URL contract (/patients/<pid>/<section>/…),
so pages added later (summary, PDF, exports) read well without a change here.
"""

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# First path segment after /patients/<pid>/ -> what the owner reads.
SECTIONS = {
    "diary": gettext_lazy("the diary"),
    "blood-pressure": gettext_lazy("a blood pressure reading"),
    "alerts": gettext_lazy("a mark “I contacted the care team” on an alert"),
    "labs": gettext_lazy("lab results"),
    "medications": gettext_lazy("medicines"),
    "events": gettext_lazy("events"),
    "questions": gettext_lazy("questions"),
    "trends": gettext_lazy("trends"),
    "summary": gettext_lazy("the visit summary"),
    "summary.pdf": gettext_lazy("the visit summary PDF"),
    "export.csv": gettext_lazy("the data download (CSV)"),
    "export.json": gettext_lazy("the data download (JSON)"),
    "export-all.json": gettext_lazy("the download of everything (JSON)"),
    "sharing": gettext_lazy("sharing"),
    "profile": gettext_lazy("the profile"),
    "delete": gettext_lazy("deleting the diary"),
}


def what_was_opened(path: str) -> str:
    """'the diary for 3 March 2025', 'lab results', … for a /patients/<pid>/… path."""
    parts = [part for part in path.split("?")[0].split("/") if part]
    rest = parts[2:] if len(parts) >= 2 and parts[0] == "patients" else parts
    if not rest:
        return _("the diary")
    section = SECTIONS.get(rest[0])
    if section is None:
        return _("the page %(path)s") % {"path": path}
    if rest[0] == "diary" and len(rest) > 1:
        try:
            day = date.fromisoformat(rest[1])
        except ValueError:
            return str(section)
        return _("the diary for %(date)s") % {"date": date_format(day, "j F Y")}
    return str(section)
