"""The site shell: the home page, on top of every app."""

from django.urls import reverse


def test_it_serves_the_home_page_in_danish_and_english(client, seeded):
    danish = client.get(reverse("site:home"))
    assert danish.status_code == 200
    assert danish.templates[0].name == "site/home.html"
    english = client.get("/en/")
    assert english.status_code == 200
    assert english.headers["Content-Language"] == "en"
