"""The Spanish catalogue is complete, current and compiled (issue #17).

- `msgfmt --check --statistics` on fsgs_portal/locale/es/LC_MESSAGES/django.po: no error, every
  message translated, none fuzzy;
- the committed django.mo is what msgfmt makes of the committed django.po (they cannot drift);
- makemessages run over (a copy of) the code today finds no message the catalogue lacks (a
  string marked since the last translation fails here, with its text).
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "fsgs_portal" / "locale" / "es" / "LC_MESSAGES"
PO, MO = CATALOGUE / "django.po", CATALOGUE / "django.mo"
MSGFMT = shutil.which("msgfmt")

pytestmark = pytest.mark.skipif(MSGFMT is None, reason="msgfmt (gettext) is not installed")


def msgids(po_text: str) -> set[str]:
    """The catalogue's message ids (singular, with their context), obsolete ones left out."""
    ids = set()
    for block in po_text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        text = "\n".join(lines)
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', text, re.M)
        found = re.search(r'^msgid ((?:".*"\n?)+)', text, re.M)
        if not found:
            continue
        joined = "".join(re.findall(r'"(.*)"', found.group(1)))
        if joined:
            ids.add(("".join(re.findall(r'"(.*)"', context.group(1))) if context else "", joined))
    return ids


def test_every_spanish_message_is_translated_and_none_is_fuzzy():
    result = subprocess.run(
        [MSGFMT, "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert re.match(r"\d+ translated messages\.$", result.stderr.strip()), result.stderr


def test_the_compiled_catalogue_is_the_catalogue(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run([MSGFMT, "-o", str(compiled), str(PO)], check=True)
    assert MO.read_bytes() == compiled.read_bytes(), "run: msgfmt -o …/django.mo …/django.po"


def test_the_catalogue_has_every_message_the_code_marks(tmp_path, monkeypatch):
    # makemessages writes into the locale folder of each app it reads (fsgs_portal has one): run
    # it on a copy of the code without locale folders, so it writes only into tmp_path.
    source, copy = Path(settings.BASE_DIR), tmp_path / "code"
    skip = shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
    for folder in ("fsgs_portal", "tracker", "education", "templates"):
        shutil.copytree(source / folder, copy / folder, ignore=skip)
    locale = tmp_path / "locale"
    locale.mkdir()
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command("makemessages", locale=["es"], verbosity=0)
    fresh = msgids((locale / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    committed = msgids(PO.read_text(encoding="utf-8"))
    assert len(fresh) > 1000
    missing = sorted(text for _context, text in fresh - committed)
    assert not missing, f"not in the Spanish catalogue (makemessages -l es, translate): {missing}"


def test_spanish_is_served_from_the_catalogue():
    with translation.override("es"):
        assert translation.gettext("Save") != "Save"
        assert translation.gettext("Skip to main content") != "Skip to main content"
