"""Playwright on Debian's Chromium (DESIGN.md "Toolchain facts"). These tests never skip: a
missing browser is a failure, so CI cannot pass without them."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses that by default.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), (
        f"Chromium not found at {CHROMIUM}: run `bash .ci/system-deps` as root"
    )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def _plain_http_settings():
    """Plain http for the live server: no HTTPS redirect, no Secure-only cookies.

    Set for the whole session, before the server starts: its middleware reads them at start-up.
    """
    from django.conf import settings
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(scope="session")
def live_server(_plain_http_settings, live_server):
    return live_server


class PageProblems:
    """Console errors (CSP violations show up here) and failed requests seen by a page."""

    def __init__(self, page):
        self.errors = []
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def page(request, browser, live_server):
    context = browser.new_context(viewport=VIEWPORTS[request.param], base_url=live_server.url)
    # Generous: a loaded 2-core CI machine renders a year-long PDF in seconds, not milliseconds.
    context.set_default_timeout(15000)
    page = context.new_page()
    page.viewport_name = request.param
    page.problems = PageProblems(page)
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page):
    """axe-core finds no violations, and the page logged no errors (a CSP block is one).

    Colours are checked at rest: with reduced motion Bootstrap drops its 0.15 s colour
    transitions, so a button that just took focus is not measured halfway through one."""
    page.emulate_media(reduced_motion="reduce")
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    assert page.problems.errors == [], page.problems.errors
