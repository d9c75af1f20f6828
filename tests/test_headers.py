"""Security headers (SECURITY.md "Headers") and the base layout's rules."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",  # the web app manifest (issue #15)
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
}


def test_every_page_sends_the_strict_csp_and_privacy_headers(client):
    response = client.get(reverse("home"), secure=True)
    csp = {part.strip() for part in response["Content-Security-Policy"].split(";")}
    assert csp == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")


def test_plain_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_signed_in_pages_are_never_cached(client_for, owner, patient):
    response = client_for(owner).get(reverse("patient_diary", kwargs={"pid": patient.public_id}))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_public_pages_for_anonymous_visitors_are_not_marked_no_store(client):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")


def test_htmx_is_configured_for_the_csp_and_keeps_no_history_copy(client):
    page = client.get(reverse("home")).content.decode()
    assert '"includeIndicatorStyles":false' in page
    assert '"historyCacheSize":0' in page
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer', page)


@pytest.mark.parametrize("name", ["home", "login", "signup", "password_reset"])
def test_pages_have_no_inline_script_or_style_and_the_base_landmarks(client, name):
    page = client.get(reverse(name)).content.decode()
    for script in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in script, script
    assert " style=" not in page
    assert "<style" not in page
    assert '<html lang="en">' in page
    assert 'href="#main"' in page
    assert '<main id="main"' in page
    assert "not medical advice" in page
    assert 'rel="icon"' in page


def test_spanish_is_offered_and_the_lang_attribute_follows(client):
    page = client.get(reverse("home"), headers={"accept-language": "es"}).content.decode()
    assert '<html lang="es">' in page


@pytest.mark.parametrize("name", ["home", "healthz", "education:index"])
def test_public_pages_answer_head_requests(client, name):
    assert client.head(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_pages_are_compressed_for_browsers_that_ask(client_for, owner, patient):
    url = reverse("patient_diary", args=[patient.public_id])
    client = client_for(owner)
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert packed["Cache-Control"] == plain["Cache-Control"]
