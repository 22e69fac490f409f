"""The index follows the domain signals, inside the same transaction as the write."""

from django.dispatch import receiver

from videnbro.partnerships.signals import partnerships_changed
from videnbro.registry.signals import organisations_changed

from .indexing import index_organisations, index_partnerships


@receiver(organisations_changed)
def reindex_organisations(sender, organisation_ids, **kwargs):
    index_organisations(organisation_ids)
    # Partnership documents list participant names: refresh those the organisations take part in.
    from videnbro.partnerships.models import Participant

    partnership_ids = set(Participant.objects.filter(organisation_id__in=organisation_ids)
                          .values_list("partnership_id", flat=True))
    if partnership_ids:
        index_partnerships(partnership_ids)


@receiver(partnerships_changed)
def reindex_partnerships(sender, partnership_ids, **kwargs):
    index_partnerships(partnership_ids)
