"""Project-wide pages: home, health check, robots.txt and the service worker."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
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


@login_not_required
@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js at the site's root, so it may control every page (scope "/"). Never
    cached: browsers check it for updates, and a stale worker would keep old code running."""
    script = (settings.BASE_DIR / "static" / "js" / "sw.js").read_text(encoding="utf-8")
    response = HttpResponse(script, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
