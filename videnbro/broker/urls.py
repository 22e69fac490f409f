from django.urls import path

from . import views

app_name = "broker"
urlpatterns = [
    path("dataindgang/", views.home, name="home"),
    path("dataindgang/ny/", views.request_create, name="request_create"),
    path("dataindgang/indbakke/", views.inbox, name="inbox"),
    path("dataindgang/oversigt/", views.broker_overview, name="overview"),
    path("dataindgang/register/", views.register, name="register"),
    path("dataindgang/<str:reference>/", views.request_detail, name="request_detail"),
    path("dataindgang/<str:reference>/rediger/", views.request_edit, name="request_edit"),
    path("dataindgang/<str:reference>/status/", views.request_transition, name="request_transition"),
    path("dataindgang/<str:reference>/tillaeg/", views.amendment_create, name="amendment_create"),
    path("dataindgang/<str:reference>/dokumenter/", views.document_upload, name="document_upload"),
    path(
        "dataindgang/<str:reference>/dokumenter/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "dataindgang/<str:reference>/dokumenter/<int:document_id>/fjern/",
        views.document_remove,
        name="document_remove",
    ),
]
