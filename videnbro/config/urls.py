"""Top-level URLs: the API and admin outside language prefixes, pages under i18n_patterns
(Danish at /, English at /en/)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", include("videnbro.config.api")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("", include("videnbro.site.urls")),
    path("", include("videnbro.core.urls")),
    path("", include("videnbro.accounts.urls")),
    path("", include("videnbro.registry.urls")),
    path("", include("videnbro.partnerships.urls")),
    path("", include("videnbro.search.urls")),
    path("", include("videnbro.matching.urls")),
    path("", include("videnbro.crisis.urls")),
    path("", include("videnbro.datamap.urls")),
    path("", include("videnbro.broker.urls")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=False,
)
