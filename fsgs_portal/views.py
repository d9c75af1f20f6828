"""Project-wide pages: home, health check and the service worker."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@login_not_required
@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Keep crawlers off the account pages. Patient pages are not listed: to anyone not signed
    in they are only a redirect to the log-in page (which is listed), so a rule would protect
    nothing, would name private paths, and would mark the diary uncrawlable to audits."""
    lines = ["User-agent: *", "Disallow: /accounts/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the app and its database answer, 503 when the database does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


# The shell a page needs offline, stored when the service worker installs: the first page a
# person opens has loaded these before the worker controlled it, so it never saw them.
OFFLINE_SHELL = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/portal.css",
    "js/nav.js",
    "django_htmx/htmx-2.min.js",
    "vendor/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-400-normal.woff2",
    "vendor/fonts/atkinson-hyperlegible/atkinson-hyperlegible-latin-700-normal.woff2",
    "img/favicon.svg",
    "js/offline.js",
    "js/offline-queue.js",
    "js/offline-diary.js",
    "js/unsaved.js",
    "js/day-form.js",
]


def service_worker_source() -> str:
    """static/js/sw.js with this release's hashed static URLs put in its placeholders; the
    version (a hash of the result) changes whenever one of them does, so browsers update."""
    source = Path(finders.find("js/sw.js")).read_text(encoding="utf-8")
    config = {
        # importScripts: the push listeners (issue #14), then the diary queue the pages share.
        "__PUSH_SCRIPT__": static("js/sw-push.js"),
        "__QUEUE_SCRIPT__": static("js/offline-queue.js"),
        "__SHELL__": [static(name) for name in OFFLINE_SHELL],
        "__STATIC_PREFIX__": settings.STATIC_URL,
        "__LOGOUT__": reverse("logout"),
    }
    for placeholder, value in config.items():
        source = source.replace(f'"{placeholder}"', json.dumps(value))
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    return source.replace('"__VERSION__"', json.dumps(version))


@login_not_required
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so its scope is every page. Browsers check it
    for a new version on each visit: no-cache makes them ask the server every time."""
    response = HttpResponse(service_worker_source(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
