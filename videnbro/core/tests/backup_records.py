"""Records for the backup round trip, written and read in a subprocess against a throw-away
deployment (see deployment.py): `python -m videnbro.core.tests.backup_records ACTION`.

- `create`: the seeded organisations (seeding the registry and data map if the database is
  empty), an applicant, an access request with a PDF document and an offer – all through the
  services;
- `damage`: what a restore must undo – the offer and the request (with its document file)
  deleted, an organisation renamed, a stray file added under MEDIA_ROOT;
- `state`: a JSON summary of all that, with the SHA-256 of each document's bytes on disk.

It is an end-to-end test of the whole deployment, so (unlike core's code) it uses the apps above
core."""

from __future__ import annotations

import hashlib
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "videnbro.config.settings.local")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from videnbro.accounts.models import Role, User  # noqa: E402
from videnbro.accounts.services import user_create  # noqa: E402
from videnbro.broker import services as broker  # noqa: E402
from videnbro.broker.models import AccessRequest, RequestDocument  # noqa: E402
from videnbro.broker.tests.factories import PDF, dataset_choices, project_data  # noqa: E402
from videnbro.crisis import services as crisis  # noqa: E402
from videnbro.crisis.models import Offer  # noqa: E402
from videnbro.crisis.tests.factories import offer_data  # noqa: E402
from videnbro.datamap.models import Dataset  # noqa: E402
from videnbro.datamap.seeding import seed_datamap  # noqa: E402
from videnbro.registry.models import Organisation  # noqa: E402
from videnbro.registry.seeding import seed_registry  # noqa: E402

RENAMED = "koebenhavns-universitet"


def create() -> None:
    if not Organisation.objects.filter(key="region-hovedstaden").exists():
        seed_registry(progress=False)
    if not Dataset.objects.filter(key="landspatientregisteret").exists():
        seed_datamap(progress=False)
    user = user_create(
        actor=None,
        username="backup-ansoeger",
        password="pw-backup-1",
        email="ansoeger@ku.example.org",
        role=Role.ORGANISATION_MEMBER,
        organisation=Organisation.objects.get(key=RENAMED),
    )
    request = broker.request_save(actor=user, data=project_data(), datasets=dataset_choices())
    broker.document_add(
        actor=user,
        access_request=request,
        kind="protocol",
        upload=SimpleUploadedFile("protokol.pdf", PDF, "application/pdf"),
    )
    crisis.offer_submit(data=offer_data(title="Visirer til backup-testen"))


def damage() -> None:
    for document in RequestDocument.objects.all():
        document.file.delete(save=False)
    AccessRequest.objects.all().delete()
    Offer.objects.all().delete()
    Organisation.objects.filter(key=RENAMED).update(name="Ændret efter backup")
    stray = settings.MEDIA_ROOT / "broker" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(PDF)


def state() -> dict:
    organisations = list(Organisation.objects.order_by("key").values_list("key", "name"))
    documents = []
    for document in RequestDocument.objects.order_by("pk"):
        with document.file.open("rb") as handle:
            documents.append(
                {
                    "name": document.file.name,
                    "filename": document.filename,
                    "sha256": hashlib.sha256(handle.read()).hexdigest(),
                    "recorded_sha256": document.sha256,
                }
            )
    files = sorted(
        p.relative_to(settings.MEDIA_ROOT).as_posix() for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()
    )
    return {
        "organisations": len(organisations),
        "organisations_sha256": hashlib.sha256(json.dumps(organisations).encode()).hexdigest(),
        "renamed": dict(organisations).get(RENAMED),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "offers": sorted(Offer.objects.values_list("reference", "title", "contact_email")),
        "requests": sorted(AccessRequest.objects.values_list("reference", "project_title")),
        "documents": documents,
        "media_files": files,
    }


if __name__ == "__main__":
    action = sys.argv[1]
    if action == "create":
        create()
    elif action == "damage":
        damage()
    json.dump(state(), sys.stdout, default=str)
