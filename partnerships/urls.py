"""The namesake pages. A host includes them inside its i18n patterns, e.g.
``path("tezki/", include("partnerships.urls"))``, before Wagtail's catch-all."""

from django.urls import path

from . import submission_views, views

app_name = "partnerships"

urlpatterns = [
    path("", views.finder, name="finder"),
    path("suggest/", views.suggest, name="suggest"),
    # Readers' proposals, collection requests and the consent text: two segments and more,
    # so they never hide a namesake page.
    *submission_views.public_urlpatterns,
    path("<str:name>/", views.cluster, name="cluster"),
]
