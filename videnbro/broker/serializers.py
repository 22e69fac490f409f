"""The access-request API's shapes (docs/api.md): every coded value – the status of a request
and of its parts, the kind, the processing environment, a document's kind, the states and the
side in the trail, the possible moves – is its code in the field, with `<field>_label` =
{"da", "en"} beside it. The input serializers document and parse what callers send; the rules
are checked in the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videnbro.core.api_fields import LABELS_SCHEMA, LabelField, choice_labels
from videnbro.core.strict_input import StrictCharField
from videnbro.registry.serializers import OrganisationRefSerializer

from . import permissions, selectors
from .models import AccessRequest, RequestDocument, RequestEvent, RequestPart
from .workflows import ACTOR_ROLES

STATES = [*AccessRequest.Status.choices, *RequestPart.Status.choices]
state_labels = choice_labels(STATES)
MOVES_SCHEMA = {
    "type": "object",
    "properties": {
        "request": {"type": "array", "items": {"type": "string"}},
        "parts": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["request", "parts"],
}
MOVES_LABEL_SCHEMA = {
    "type": "object",
    "description": "The labels of `moves`, in the same shape.",
    "properties": {
        "request": {"type": "array", "items": LABELS_SCHEMA},
        "parts": {"type": "object", "additionalProperties": {"type": "array", "items": LABELS_SCHEMA}},
    },
    "required": ["request", "parts"],
}


class RequestedDatasetSerializer(serializers.Serializer):
    dataset = serializers.CharField(source="dataset.key")
    title = serializers.CharField(source="dataset.title")
    custodian = serializers.CharField(source="dataset.custodian.key")
    variables = serializers.ListField(child=serializers.CharField())


class PartSerializer(serializers.ModelSerializer):
    custodian = OrganisationRefSerializer()
    status_label = LabelField(source="status", choices=RequestPart.Status)
    overdue = serializers.BooleanField(source="is_overdue")
    datasets = serializers.SerializerMethodField()

    class Meta:
        model = RequestPart
        fields = [
            "id",
            "custodian",
            "status",
            "status_label",
            "due_at",
            "overdue",
            "conditions",
            "decided_at",
            "datasets",
        ]

    def get_datasets(self, part: RequestPart) -> list[str]:
        return [c.dataset.key for c in part.request.requested_datasets.all() if c.part_id == part.pk]


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = LabelField(source="kind", choices=RequestDocument.Kind)
    url = serializers.SerializerMethodField()

    class Meta:
        model = RequestDocument
        fields = ["id", "kind", "kind_label", "filename", "content_type", "size", "sha256", "created", "url"]

    def get_url(self, document: RequestDocument) -> str:
        return f"/api/v1/access-requests/{document.request_id}/documents/{document.pk}/"


class EventSerializer(serializers.ModelSerializer):
    part = serializers.SerializerMethodField()
    actor_role_label = LabelField(source="actor_role", choices=ACTOR_ROLES)
    from_status_label = LabelField(source="from_status", choices=STATES)
    to_status_label = LabelField(source="to_status", choices=STATES)

    class Meta:
        model = RequestEvent
        fields = [
            "created",
            "actor_label",
            "actor_role",
            "actor_role_label",
            "part",
            "from_status",
            "from_status_label",
            "to_status",
            "to_status_label",
            "note",
        ]

    def get_part(self, event: RequestEvent) -> str | None:
        return event.part.custodian.key if event.part is not None else None


class AccessRequestSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(allow_null=True)
    kind_label = LabelField(source="kind", choices=AccessRequest.Kind)
    parent = serializers.CharField(source="parent.reference", allow_null=True, default=None)  # type: ignore[assignment]
    status_label = LabelField(source="status", choices=AccessRequest.Status)
    overdue = serializers.SerializerMethodField()
    parts = PartSerializer(many=True)
    datasets = RequestedDatasetSerializer(source="requested_datasets", many=True)
    url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "reference",
            "kind",
            "kind_label",
            "parent",
            "project_title",
            "organisation",
            "status",
            "status_label",
            "due_at",
            "overdue",
            "parts",
            "datasets",
            "submitted_at",
            "approved_at",
            "url",
        ]

    def get_overdue(self, access_request: AccessRequest) -> bool:
        return access_request.has_overdue_step


def _labelled(moves: dict[str, Any]) -> dict[str, Any]:
    return {
        "request": [state_labels(to) for to in moves["request"]],
        "parts": {key: [state_labels(to) for to in targets] for key, targets in moves["parts"].items()},
    }


class AccessRequestDetailSerializer(AccessRequestSerializer):
    applicant = serializers.SerializerMethodField()
    environment_label = LabelField(source="environment", choices=AccessRequest.Environment)
    sandbox = serializers.CharField(source="sandbox.key", allow_null=True, default=None)
    documents = DocumentSerializer(many=True)
    events = EventSerializer(many=True)
    amendments = serializers.SerializerMethodField()
    moves = serializers.SerializerMethodField()
    moves_label = serializers.SerializerMethodField()

    class Meta(AccessRequestSerializer.Meta):
        fields = [
            *AccessRequestSerializer.Meta.fields,
            "applicant",
            "purpose",
            "description",
            "legal_basis",
            "period_from",
            "period_to",
            "population",
            "environment",
            "environment_label",
            "sandbox",
            "funding",
            "cost_estimate",
            "cost_note",
            "documents",
            "events",
            "amendments",
            "moves",
            "moves_label",
        ]

    def get_applicant(self, access_request: AccessRequest) -> dict[str, str]:
        return {
            "name": access_request.applicant.get_full_name() or access_request.applicant.username,
            "email": access_request.applicant.email,
        }

    def get_amendments(self, access_request: AccessRequest) -> list[str]:
        """The amendments the caller may see (a custodian only those routed to it)."""
        user = self.context["request"].user
        return [a.reference for a in access_request.amendments.all() if permissions.can_view(user, a)]

    def _moves(self, access_request: AccessRequest) -> dict[str, Any]:
        # Asked for by both moves and moves_label: computed once per object.
        cache = self.context.setdefault("_moves", {})
        if access_request.pk not in cache:
            moves = selectors.moves_for(self.context["request"].user, access_request)
            cache[access_request.pk] = {
                "request": moves["request"],
                "parts": {str(k): v for k, v in moves["parts"].items()},
            }
        return cache[access_request.pk]

    @extend_schema_field(MOVES_SCHEMA)
    def get_moves(self, access_request: AccessRequest) -> dict[str, Any]:
        """What the caller may do now: request states and, per part id, part states."""
        return self._moves(access_request)

    @extend_schema_field(MOVES_LABEL_SCHEMA)
    def get_moves_label(self, access_request: AccessRequest) -> dict[str, Any]:
        return _labelled(self._moves(access_request))


class DatasetChoiceSerializer(serializers.Serializer):
    dataset = StrictCharField(help_text="Dataset key or id")
    variables = serializers.ListField(child=StrictCharField(), required=False)


class AccessRequestInputSerializer(serializers.Serializer):
    """Documentation of the input; validation happens in the service (one validator for web
    and API)."""

    project_title = StrictCharField()
    purpose = StrictCharField(required=False)
    description = StrictCharField(required=False)
    legal_basis = StrictCharField(required=False)
    period_from = serializers.DateField(required=False)
    period_to = serializers.DateField(required=False)
    population = StrictCharField(required=False)
    environment = serializers.ChoiceField(choices=AccessRequest.Environment.choices, required=False)
    sandbox = serializers.IntegerField(required=False, help_text="Sandbox id")
    funding = StrictCharField(required=False)
    datasets = DatasetChoiceSerializer(many=True, required=False)


class AccessTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=STATES)
    note = StrictCharField(required=False, allow_blank=True, default="")
    part = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The part (custodian) for a part state; may be left out by a custodian with one part",
    )
    cost_estimate = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="DKK; required to move to cost_estimate",
    )
    variables = serializers.DictField(
        child=serializers.ListField(child=StrictCharField()),
        required=False,
        allow_null=True,
        default=None,
        help_text="With the applicant's answer to updates_requested: {dataset key: [variable "
        "names]} for that part's datasets",
    )


class DocumentInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RequestDocument.Kind.choices)
    file = serializers.FileField(help_text="PDF, DOCX or ODT; never data")


class RegisterEntrySerializer(serializers.Serializer):
    reference = serializers.CharField()
    project_title = serializers.CharField()
    organisation = serializers.CharField(source="organisation_label", allow_null=True)
    purpose = serializers.CharField()
    datasets = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=AccessRequest.Status.choices)
    status_label = LabelField(source="status", choices=AccessRequest.Status)
    approved_at = serializers.DateTimeField(allow_null=True)
    period_from = serializers.DateField(allow_null=True)
    period_to = serializers.DateField(allow_null=True)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"key": {"type": "string"}, "title": {"type": "string"}},
                "required": ["key", "title"],
            },
        }
    )
    def get_datasets(self, access_request: AccessRequest) -> list[dict[str, str]]:
        return [{"key": d.key, "title": d.title} for d in selectors.approved_datasets(access_request)]
