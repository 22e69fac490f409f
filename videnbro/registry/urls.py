from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("organisationer/", views.organisation_list, name="organisation-list"),
    path("organisationer/ny/", views.organisation_create, name="organisation-create"),
    path("organisationer/eksport.<str:fmt>", views.organisation_export, name="organisation-export"),
    path("organisationer/<slug:key>/", views.organisation_detail, name="organisation-detail"),
    path("organisationer/<slug:key>/rediger/", views.organisation_edit, name="organisation-edit"),
    path("organisationer/<slug:key>/verificer/", views.organisation_verify, name="organisation-verify"),
    path("organisationer/<slug:key>/kapaciteter/", views.capacity_add, name="capacity-add"),
    path(
        "organisationer/<slug:key>/kapaciteter/<int:pk>/fjern/", views.capacity_remove, name="capacity-remove"
    ),
    path("organisationer/<slug:key>/kontakter/", views.contact_add, name="contact-add"),
    path("klynger/", views.cluster_list, name="cluster-list"),
    path("hubs/", views.hub_list, name="hub-list"),
    path("akutsamarbejder/", views.collaboration_list, name="collaboration-list"),
]
