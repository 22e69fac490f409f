from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns = [
    path("partnerskaber/", views.partnership_list, name="partnership-list"),
    path("partnerskaber/ny/", views.partnership_create, name="partnership-create"),
    path("partnerskaber/eksport.<str:fmt>", views.partnership_export, name="partnership-export"),
    path("partnerskaber/<slug:key>/", views.partnership_detail, name="partnership-detail"),
    path("partnerskaber/<slug:key>/rediger/", views.partnership_edit, name="partnership-edit"),
    path("partnerskaber/<slug:key>/evaluering/", views.evaluation_add, name="evaluation-add"),
    path("landskab/", views.landscape_page, name="landscape"),
    path("landskab/figur/<str:figure>.<str:fmt>", views.landscape_figure, name="landscape-figure"),
    path("netvaerk/", views.network_page, name="network"),
]
