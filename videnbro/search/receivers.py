"""The index follows the domain signals, inside the same transaction as the write."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from videnbro.datamap.models import Dataset, Variable
from videnbro.partnerships.models import Participant
from videnbro.partnerships.signals import partnerships_changed
from videnbro.registry.signals import organisations_changed

from .indexing import index_datasets, index_organisations, index_partnerships


@receiver(organisations_changed)
def reindex_organisations(sender, organisation_ids, **kwargs):
    index_organisations(organisation_ids)
    # Partnership documents list participant names: refresh those the organisations take part in.
    partnership_ids = set(
        Participant.objects.filter(organisation_id__in=organisation_ids).values_list(
            "partnership_id", flat=True
        )
    )
    if partnership_ids:
        index_partnerships(partnership_ids)
    # Dataset documents carry their custodian's name.
    dataset_ids = list(Dataset.objects.filter(custodian_id__in=organisation_ids).values_list("pk", flat=True))
    if dataset_ids:
        index_datasets(dataset_ids)


@receiver(partnerships_changed)
def reindex_partnerships(sender, partnership_ids, **kwargs):
    index_partnerships(partnership_ids)


# The data map has no service layer sending a domain signal yet: its writers (seeding, the DCAT
# import, the admin) save the models directly, so the index follows the model signals. They
# fire inside the writer's transaction too. Raw saves (loaddata) are skipped: related rows may
# not exist yet; `videnbro search rebuild` indexes fixtures.


@receiver(post_save, sender=Dataset)
@receiver(post_delete, sender=Dataset)
def reindex_dataset(sender, instance, raw=False, **kwargs):
    if not raw:
        index_datasets([instance.pk])


@receiver(post_save, sender=Variable)
@receiver(post_delete, sender=Variable)
def reindex_dataset_of_variable(sender, instance, raw=False, origin=None, **kwargs):
    # Deleting a dataset deletes its variables first: one reindex per variable would only
    # rewrite a document that is removed right after.
    if raw or isinstance(origin, Dataset) or (isinstance(origin, QuerySet) and origin.model is Dataset):
        return
    index_datasets([instance.dataset_id])
