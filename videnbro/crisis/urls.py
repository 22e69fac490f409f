from django.urls import path

from . import views

app_name = "crisis"
urlpatterns = [
    path("krise/", views.home, name="home"),
    path("krise/haendelser/ny/", views.incident_create, name="incident_create"),
    path("krise/haendelser/<slug:key>/", views.incident_detail, name="incident_detail"),
    path("krise/haendelser/<slug:key>/status/", views.incident_status, name="incident_status"),
    path("krise/haendelser/<slug:key>/evaluering/", views.evaluation, name="evaluation"),
    path(
        "krise/haendelser/<slug:key>/evaluering.<str:fmt>",
        views.evaluation_download,
        name="evaluation_download",
    ),
    path("krise/behov/", views.need_list, name="need_list"),
    path("krise/behov/ny/", views.need_create, name="need_create"),
    path("krise/behov/eksport.<str:fmt>", views.need_export, name="need_export"),
    path("krise/behov/<int:pk>/", views.need_detail, name="need_detail"),
    path("krise/behov/<int:pk>/status/", views.need_status, name="need_status"),
    path("krise/behov/<int:pk>/tilbyd/", views.offer_create, name="offer_for_need"),
    path(
        "krise/behov/<int:pk>/frivillige/<int:volunteer>/kontakt/",
        views.volunteer_contact,
        name="volunteer_contact",
    ),
    path("krise/tilbyd/", views.offer_create, name="offer_create"),
    path("krise/tilbud/status/<str:reference>/<str:token>/", views.offer_status, name="offer_status"),
    path("krise/mine-tilbud/", views.my_offers, name="my_offers"),
    path("krise/mine-tilbud/<str:signed>/", views.my_offers_list, name="my_offers_list"),
    path("krise/indbakke/", views.inbox, name="inbox"),
    path("krise/indbakke/handling/", views.inbox_bulk, name="inbox_bulk"),
    path("krise/tilbud/eksport.<str:fmt>", views.offer_export, name="offer_export"),
    path("krise/tilbud/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("krise/tilbud/<int:pk>/handling/", views.offer_action, name="offer_action"),
    path("krise/frivillig/", views.volunteer_register, name="volunteer_register"),
    path("krise/frivillig/<str:reference>/<str:token>/", views.volunteer_status, name="volunteer_status"),
    path("krise/kapacitet/", views.frames, name="frames"),
    path("krise/kapacitet/figur.<str:fmt>", views.frames_chart, name="frames_chart"),
]
