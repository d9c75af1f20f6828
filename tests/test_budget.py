"""The first load stays light for slow phones (issue #15): every page's HTML, CSS and JS together
are at most 60 KB gzip-compressed, a year of trends keeps a bounded DOM, and the trimmed Bootstrap
build still has every Bootstrap class the templates use."""

import gzip
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from fsgs_portal.accounts.models import User
from fsgs_portal.management.commands.seed_demo import DEFAULT_EMAIL
from tracker.models import Patient

FIRST_LOAD_BUDGET = 60 * 1024
# Elements on the trends page; a year of daily data must fit as well as a fortnight.
TRENDS_ELEMENT_BUDGET = 3000

pytestmark = pytest.mark.django_db


class Page(HTMLParser):
    """What a browser fetches before the page is usable: stylesheets and scripts; and its tags."""

    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.elements = 0

    def handle_starttag(self, tag, attrs):
        self.elements += 1
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "stylesheet":
            self.assets.append(found["href"])
        if tag == "script" and found.get("src"):
            self.assets.append(found["src"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def gzipped_size(path: str) -> int:
    """A static file's size as whitenoise sends it to a browser that accepts gzip."""
    found = finders.find(path.removeprefix(settings.STATIC_URL).removeprefix("/"))
    assert found, f"{path} is not a static file"
    return len(gzip.compress(Path(found).read_bytes(), compresslevel=9))


@pytest.fixture
def demo(guides):
    """The demo account with a year of diary, labs and medicines, as `make run` seeds it."""
    call_command("seed_demo", "--force", days=365, stdout=io.StringIO())
    user = User.objects.get(email=DEFAULT_EMAIL)
    return Patient.objects.get(access__user=user), user


def first_load(client, url: str) -> tuple[int, dict[str, int]]:
    response = client.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200, url
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    sizes = {url: len(response.content)}
    sizes |= {asset: gzipped_size(asset) for asset in parsed(html).assets}
    return sum(sizes.values()), sizes


def test_every_page_first_loads_in_60_kb_compressed(client, demo):
    patient, user = demo
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    pid = patient.public_id
    pages = [
        reverse("home"),
        reverse("education:guide", args=["what-is-fsgs"]),
        reverse("patient_diary", args=[pid]),
        reverse("diary_day", args=[pid, patient.today()]),
        reverse("patient_trends", args=[pid]) + "?days=365",
        reverse("patient_summary", args=[pid]),
    ]
    over = {}
    for url in pages:
        total, sizes = first_load(client, url)
        if total > FIRST_LOAD_BUDGET:
            over[url] = (total, sizes)
    assert not over, f"over {FIRST_LOAD_BUDGET} bytes: {over}"


def test_a_year_of_trends_keeps_a_bounded_dom(client, demo):
    patient, user = demo
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("patient_trends", args=[patient.public_id])
    year = parsed(client.get(url, {"days": 365}).content.decode()).elements
    quarter = parsed(client.get(url, {"days": 90}).content.decode()).elements
    assert year <= TRENDS_ELEMENT_BUDGET, year
    # Four times the days, not four times the elements.
    assert year < 2 * quarter, (year, quarter)


BOOTSTRAP_CLASSES = {
    line
    for line in (Path(__file__).parent / "data" / "bootstrap-5.3.9-classes.txt")
    .read_text()
    .splitlines()
    if line and not line.startswith("#")
}
CLASS_ATTRIBUTE = re.compile(r"""class(?:Name)?\s*=\s*["']([^"']*)["']""")
CLASS_LIST = re.compile(r"""classList\.(?:add|remove|toggle)\(\s*["']([\w-]+)["']""")
TEMPLATE_CODE = re.compile(r"\{[{%].*?[%}]\}|\{\}")
# Made at run time: messages (alert-{{ message.tags }}), diary alerts (alert-{{ severity_class }},
# tracker/contexts.py) and the open state nav.js sets.
DYNAMIC_CLASSES = {"alert-success", "alert-info", "alert-warning", "alert-danger", "show"}


def classes_in(text: str) -> set[str]:
    found = set()
    for match in CLASS_ATTRIBUTE.finditer(text):
        found.update(TEMPLATE_CODE.sub(" ", match.group(1)).split())
    found.update(CLASS_LIST.findall(text))
    return found


def built_classes() -> set[str]:
    css = (Path(settings.BASE_DIR) / "static/vendor/bootstrap/css/bootstrap.min.css").read_text()
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"url\([^)]*\)", "", css)))


def test_the_trimmed_bootstrap_has_every_bootstrap_class_the_portal_uses(client, owner):
    base = Path(settings.BASE_DIR)
    sources = [
        *base.glob("templates/**/*.html"),
        *base.glob("static/js/*.js"),
        *(
            path
            for app in ("tracker", "education", "fsgs_portal")
            for path in base.glob(f"{app}/**/*.py")
        ),
    ]
    used = set(DYNAMIC_CLASSES)
    for path in sources:
        used |= classes_in(path.read_text())
    # Forms drawn by crispy-forms' bootstrap5 templates, with and without errors.
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    used |= classes_in(client.get(reverse("patient_create")).content.decode())
    used |= classes_in(client.post(reverse("patient_create"), {}).content.decode())
    client.logout()
    used |= classes_in(client.post(reverse("signup"), {"email": "x"}).content.decode())
    missing = (used & BOOTSTRAP_CLASSES) - built_classes()
    assert not missing, f"add to static/scss/portal-bootstrap.scss and run `make css`: {missing}"
    assert {"btn-primary", "form-control", "is-invalid", "navbar-expand-md"} <= used
