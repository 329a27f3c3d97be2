"""The namesake pages. A host includes them inside its i18n patterns, e.g.
``path("tezki/", include("partnerships.urls"))``, before Wagtail's catch-all."""

from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("suggest/", views.suggest, name="suggest"),
    path("<str:name>/", views.cluster, name="cluster"),
]
