"""robots.txt: crawlers are kept off the account pages, where every private page sends them."""

import pytest
from django.conf import settings
from django.urls import reverse


def test_it_disallows_the_account_pages_only(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    lines = response.content.decode().splitlines()
    assert lines == ["User-agent: *", "Disallow: /accounts/"]


@pytest.mark.django_db
def test_a_private_page_shows_a_crawler_only_a_disallowed_redirect(client, patient):
    response = client.get(reverse("patient_diary", args=[patient.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")
    assert reverse(settings.LOGIN_URL).startswith("/accounts/")
