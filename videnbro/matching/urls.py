from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path(
        "organisationer/<slug:key>/forslag/", views.organisation_suggestions, name="organisation-suggestions"
    ),
]
