from django.urls import path

from . import views

app_name = "datamap"
urlpatterns = [
    path("datalandkort/", views.dataset_list, name="dataset_list"),
    path("datalandkort/sammenlign/", views.compare, name="compare"),
    path("datalandkort/sandkasser/", views.sandbox_list, name="sandbox_list"),
    path("datalandkort/<slug:key>/", views.dataset_detail, name="dataset_detail"),
]
