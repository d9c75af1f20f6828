from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from fsgs_portal import redirects, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sw.js", views.service_worker, name="service_worker"),
    # Public guides carry their language in the URL, so search engines and shared links keep
    # it: English at /learn/…, Spanish at /es/learn/… (fsgs_portal/language.py picks it).
    *i18n_patterns(path("learn/", include("education.urls")), prefix_default_language=False),
    path("accounts/", include("fsgs_portal.accounts.urls")),
    path("i18n/setlang/", login_not_required(redirects.set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
]

# Friendly error pages that need no database (templates/404.html, 500.html, 503.html); a
# database outage raised in middleware becomes the 503 page here.
handler500 = "fsgs_portal.outage.server_error"
