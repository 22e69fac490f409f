"""Page-number pagination shared by every list endpoint."""

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`{"count", "next", "previous", "results"}`; a malformed page number is a 400."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
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


def page_of(request, items, per_page: int):
    """For a list page: the requested page of `items` and the query string of the other
    parameters (filters), which `_pagination.html` keeps on its page links."""
    from django.core.paginator import Paginator

    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
