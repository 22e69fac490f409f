"""Django admin for staff; edits go through the same validation as the services."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from videnbro.core.errors import ApplicationError
from videnbro.core.text import normalise_name

from .models import (
    Capacity,
    Competence,
    ContactPerson,
    Membership,
    Municipality,
    Organisation,
    OrganisationAlias,
    OrganisationSite,
    Region,
    Source,
)
from .services import organisation_verify


class AliasInline(admin.TabularInline):
    model = OrganisationAlias
    extra = 0
    fields = ["name"]


class CapacityInline(admin.TabularInline):
    model = Capacity
    extra = 0
    fields = ["item", "quantity", "unit", "per_period", "note", "source", "source_page"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["group"]
    fields = ["group", "role", "note", "source", "source_page"]


class ContactInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "kind",
        "sector",
        "cvr",
        "municipality",
        "region",
        "is_acute_hospital",
        "is_verified",
    ]
    list_filter = ["kind", "sector", "region", "is_acute_hospital", "is_verified", "source"]
    search_fields = ["name", "key", "cvr", "aliases__name"]
    autocomplete_fields = ["parent", "municipality"]
    filter_horizontal = ["competences"]
    # Verification goes through the service (permission, audit row): the action below.
    readonly_fields = ["created", "updated", "is_verified", "verified_at", "verified_by"]
    inlines = [AliasInline, CapacityInline, MembershipInline, ContactInline]
    actions = ["verify_selected"]

    @admin.action(description=gettext_lazy("Verificér de valgte organisationer"))
    def verify_selected(self, request, queryset):

        done = 0
        for organisation in queryset.filter(is_verified=False):
            try:
                organisation_verify(actor=request.user, organisation=organisation)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{organisation}: {exc.message}", messages.ERROR)
        self.message_user(request, gettext("%(n)s organisation(er) verificeret.") % {"n": done})

    def save_model(self, request, obj, form, change):
        obj.normalised_name = normalise_name(obj.name)
        if obj.municipality_id:
            obj.region_id = obj.municipality.region_id
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, OrganisationAlias):
                instance.normalised_name = normalise_name(instance.name)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "title", "publisher", "year"]
    search_fields = ["code", "title"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "group", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["organisation", "group"]
    search_fields = ["organisation__name", "group__name"]


@admin.register(OrganisationSite)
class OrganisationSiteAdmin(admin.ModelAdmin):
    list_display = ["organisation", "city", "municipality", "is_headquarters"]
    autocomplete_fields = ["organisation", "municipality"]
