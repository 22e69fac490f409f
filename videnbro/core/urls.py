from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("privatliv/", views.privacy_page, name="privacy"),
]
