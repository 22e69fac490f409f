"""Inbox reads: duplicates grouped under their original, and the filters by need, age and
region that the API and the inbox page share."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from videnbro.crisis.filters import OfferFilter
from videnbro.crisis.models import Offer
from videnbro.crisis.selectors import group_duplicates, offers_visible_to


def filtered(user, **params) -> set[int]:
    filterset = OfferFilter(params, queryset=offers_visible_to(user))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("pk", flat=True))


def test_it_duplicates_are_grouped_under_their_original(submit, run_tasks):
    original = submit(contact_email="a@plast.example")
    copy = submit(contact_email="a@plast.example")
    other = submit(
        contact_email="b@andet.example",
        offerer_name="Andet Firma ApS",
        title="Håndsprit",
        description="1.000 liter håndsprit.",
    )
    run_tasks()
    offers = list(Offer.objects.filter(pk__in=[original.pk, copy.pk, other.pk]).order_by("pk"))
    grouped = [(o.pk, [d.pk for d in dups]) for o, dups in group_duplicates(offers)]
    assert grouped == [(original.pk, [copy.pk]), (other.pk, [])]
    # Without its original on the page, a duplicate stands alone.
    alone = group_duplicates([o for o in offers if o.pk != original.pk])
    assert [(o.pk, dups) for o, dups in alone] == [(copy.pk, []), (other.pk, [])]


def test_it_the_need_filter_takes_targeted_and_matched_offers(rh_staff, make_need, processed):
    need = make_need()
    other_need = make_need(title="Masker", item="masks", description="FFP2-masker")
    matched = processed()
    targeted = processed(need=str(other_need.pk), title="Noget andet", description="Helt andre ting.")
    assert matched.matched_need == need
    assert filtered(rh_staff, need=str(need.pk)) == {matched.pk}
    assert filtered(rh_staff, need=str(other_need.pk)) == {targeted.pk}


def test_it_the_age_and_region_filters(rh_staff, need, processed):
    fresh = processed(municipality="101")
    old = processed(municipality="751")
    Offer.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=4))
    assert filtered(rh_staff, age="24h") == {fresh.pk}
    assert filtered(rh_staff, age="older") == {old.pk}
    assert filtered(rh_staff, region="hovedstaden") == {fresh.pk}
    assert filtered(rh_staff, region="midtjylland") == {old.pk}


def test_it_nobody_but_authorities_reads_offers(member, routed_offer):
    from django.contrib.auth.models import AnonymousUser

    assert not offers_visible_to(member).exists()
    assert not offers_visible_to(AnonymousUser()).exists()
