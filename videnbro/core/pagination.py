"""Page-number pagination shared by every list endpoint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

if TYPE_CHECKING:
    from django.core.paginator import Page, Paginator
    from django.db.models import QuerySet
    from django.http import HttpRequest
    from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; a malformed page number is a 400."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request: Request, paginator: Paginator) -> int | str:
        raw = request.query_params.get(self.page_query_param, 1)
        if raw in self.last_page_strings:
            return paginator.num_pages
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise exceptions.ValidationError({"page": ["Sidetallet skal være et positivt heltal."]}) from None
        if number < 1:
            raise exceptions.ValidationError({"page": ["Sidetallet skal være et positivt heltal."]})
        return number


def page_of(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int
) -> tuple[Page[Any], str]:
    """For a list page: the requested page of `items` and the query string of the other
    parameters (filters), which `_pagination.html` keeps on its page links."""
    from django.core.paginator import Paginator

    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
