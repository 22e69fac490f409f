"""Higher apps add sections to the organisation page through a signal; registry never imports
them (issue 13 §1)."""

import pytest

from videnbro.registry.signals import organisation_page_sections


@pytest.fixture
def extra_section():
    def receiver(sender, organisation, request, **kwargs):
        return {"template": "registry/tests/section.html", "context": {"who": organisation.name}, "order": 1}

    organisation_page_sections.connect(receiver, dispatch_uid="test.extra_section")
    yield
    organisation_page_sections.disconnect(dispatch_uid="test.extra_section")


def test_it_shows_a_section_a_higher_app_connects(client, org, extra_section, settings, tmp_path):
    (tmp_path / "registry" / "tests").mkdir(parents=True)
    (tmp_path / "registry" / "tests" / "section.html").write_text('<p id="plugged">Plugged: {{ who }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    body = client.get(org("grundfos").get_absolute_url()).content.decode()
    assert '<p id="plugged">Plugged: Grundfos' in body


def test_it_shows_the_partnerships_and_suggestions_sections_in_order(client, org):
    body = client.get(org("grundfos").get_absolute_url()).content.decode()
    assert (
        body.index('id="partnerships-h"') < body.index('id="suggestions-h"') < body.index('id="contacts-h"')
    )
