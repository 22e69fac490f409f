"""Data entry point endpoints under /api/v1/: access requests (create, read, edit, move
through the state machine, attach documents, amend) and the public register of approved uses.

Every request is visible only to its applicant, the broker and the custodians it was routed
to (a 404 to anyone else); a move the state machine refuses is a 409 listing the allowed
moves; acting on another custodian's part is a 403."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from videnbro.core.api import object_or_404
from videnbro.core.pagination import Pagination
from videnbro.core.strict_input import StrictJSONParser

from . import permissions, selectors, services
from .forms import PROJECT_FIELDS
from .models import AccessRequest
from .serializers import (
    AccessRequestDetailSerializer,
    AccessRequestInputSerializer,
    AccessRequestSerializer,
    AccessTransitionSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    RegisterEntrySerializer,
)
from .views import document_response


def _project_data(data) -> dict:
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise serializers.ValidationError({"non_field_errors": ["Et JSON-objekt."]})
    return {k: data.get(k) for k in PROJECT_FIELDS if k in data}


@extend_schema_view(
    list=extend_schema(
        summary="Access requests visible to you (own, routed to your organisation, or all for the broker)",
        tags=["broker"],
        parameters=[
            OpenApiParameter("status", str),
            OpenApiParameter("overdue", bool),
            OpenApiParameter("custodian", str),
            OpenApiParameter("q", str),
        ],
    ),
    retrieve=extend_schema(
        summary="One access request with parts, documents, trail and your possible moves",
        tags=["broker"],
        responses=AccessRequestDetailSerializer,
    ),
)
class AccessRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AccessRequestSerializer
    pagination_class = Pagination
    filter_backends: list = []
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions._signed_in(request.user):
            raise NotAuthenticated()

    def get_queryset(self):
        try:
            return selectors.filter_requests(selectors.visible(self.request.user), self.request.query_params)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None

    def _get(self, pk) -> AccessRequest:
        return object_or_404(selectors.visible(self.request.user), pk)

    def _detail(self, access_request, code=status.HTTP_200_OK) -> Response:
        fresh = (
            selectors.request_queryset().prefetch_related("events__part__custodian").get(pk=access_request.pk)
        )
        return Response(
            AccessRequestDetailSerializer(fresh, context={"request": self.request}).data, status=code
        )

    def retrieve(self, request, pk=None):
        return self._detail(self._get(pk))

    @extend_schema(
        request=AccessRequestInputSerializer,
        responses={201: AccessRequestDetailSerializer},
        tags=["broker"],
        summary="Start an access request (a draft) covering one or many datasets",
    )
    def create(self, request):
        data = request.data
        access_request = services.request_save(
            actor=request.user, data=_project_data(data), datasets=data.get("datasets")
        )
        return self._detail(access_request, status.HTTP_201_CREATED)

    @extend_schema(
        request=AccessRequestInputSerializer,
        responses={200: AccessRequestDetailSerializer},
        tags=["broker"],
        summary="Edit a draft or returned request (fields not sent are kept)",
    )
    def partial_update(self, request, pk=None):
        access_request = services.request_save(
            actor=request.user,
            access_request=self._get(pk),
            data=_project_data(request.data),
            datasets=request.data.get("datasets"),
        )
        return self._detail(access_request)

    @extend_schema(
        request=AccessTransitionSerializer,
        responses={200: AccessRequestDetailSerializer},
        tags=["broker"],
        summary="Move the request or one custodian's part (409 with the allowed "
        "moves; 403 for another side's step or another custodian's part)",
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None):
        access_request = self._get(pk)
        serializer = AccessTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        access_request = services.request_transition(
            actor=request.user,
            access_request=access_request,
            to=values["to"],
            note=values["note"],
            part=values["part"],
            cost_estimate=values["cost_estimate"],
            variables=values["variables"],
        )
        return self._detail(access_request)

    @extend_schema(
        request={"multipart/form-data": DocumentInputSerializer},
        responses={201: DocumentSerializer},
        tags=["broker"],
        summary="Attach a document (protocol, approval – PDF/DOCX/ODT, never data)",
    )
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        access_request = self._get(pk)
        if not hasattr(request.data, "getlist"):
            raise serializers.ValidationError(
                {"file": [_("Send dokumentet som multipart/form-data med felterne kind og file.")]}
            )
        document = services.document_add(
            actor=request.user,
            access_request=access_request,
            kind=request.data.get("kind", ""),
            upload=request.FILES.get("file"),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        tags=["broker"],
        summary="Download a document of a request",
    )
    @extend_schema(
        methods=["DELETE"],
        responses={204: None},
        tags=["broker"],
        summary="Remove a document uploaded by mistake (applicant, while documents may change)",
    )
    @action(detail=True, methods=["get", "delete"], url_path=r"documents/(?P<document_id>\d+)")
    def document(self, request, pk=None, document_id=None):
        access_request = self._get(pk)
        document = object_or_404(access_request.documents.all(), document_id)
        if request.method == "DELETE":
            services.document_remove(actor=request.user, access_request=access_request, document=document)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return document_response(document)

    @extend_schema(
        request=AccessRequestInputSerializer,
        responses={201: AccessRequestDetailSerializer},
        tags=["broker"],
        summary="Apply for an amendment (more variables, longer period) – a child "
        "request that does not restart this one",
    )
    @action(detail=True, methods=["post"])
    def amendments(self, request, pk=None):
        parent = self._get(pk)
        amendment = services.request_save(
            actor=request.user,
            parent=parent,
            data=_project_data(request.data),
            datasets=request.data.get("datasets"),
        )
        return self._detail(amendment, status.HTTP_201_CREATED)


class RegisterView(APIView):
    """The public register of approved uses (no personal data)."""

    pagination_class = Pagination

    @extend_schema(
        tags=["broker"],
        responses=RegisterEntrySerializer(many=True),
        summary="Public register of approved data uses",
    )
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.approved_uses(), request, view=self)
        return paginator.get_paginated_response(RegisterEntrySerializer(page, many=True).data)
