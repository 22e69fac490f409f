"""What the data entry point adds to the health data map's dataset page, through the
`datamap.signals.dataset_page_sections` seam (the data map never imports the broker)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.test import RequestFactory

from videnbro.broker.models import AccessRequest
from videnbro.broker.receivers import approved_uses_section
from videnbro.datamap.models import Dataset
from videnbro.datamap.signals import dataset_page_sections

from .factories import BEF, DBCG, LPR

S = AccessRequest.Status


def _sections(dataset: Dataset) -> list[dict]:
    request = RequestFactory().get(dataset.get_absolute_url())
    answers = dataset_page_sections.send(sender=Dataset, dataset=dataset, request=request)
    return [section for receiver, section in answers if receiver is approved_uses_section and section]


def test_it_answers_the_dataset_page_with_the_approved_uses(make_request):
    active = make_request(S.ACTIVE, datasets=(LPR, DBCG), project_title="Godkendt projekt")
    make_request(S.ROUTED, datasets=(LPR,), project_title="Ikke godkendt endnu")
    (section,) = _sections(Dataset.objects.get(key=LPR))
    assert section["template"] == "broker/dataset_section_uses.html"
    assert isinstance(section["order"], int)
    assert [r.reference for r in section["context"]["approved_uses"]] == [active.reference]
    html = render_to_string(section["template"], section["context"])
    assert 'data-testid="approved-uses"' in html
    assert "Godkendt projekt" in html and "Ikke godkendt endnu" not in html
    assert "/dataindgang/register/" in html


def test_it_adds_no_section_to_a_dataset_without_approved_uses(make_request):
    make_request(S.ACTIVE, datasets=(LPR,))
    assert _sections(Dataset.objects.get(key=BEF)) == []


def test_it_shows_the_approved_uses_on_the_dataset_page(make_request, client):
    make_request(S.ACTIVE, datasets=(LPR,), project_title="Synligt projekt")
    response = client.get(Dataset.objects.get(key=LPR).get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="approved-uses"' in html and "Synligt projekt" in html
