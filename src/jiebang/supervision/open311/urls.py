"""/open311/v2/: the GeoReport v2 API (api.py), its OpenAPI schema (openapi.json) and docs
(docs). Public: no log-in (the project's LoginRequiredMiddleware is told so per view); an
address not found answers 404 in the spec's error format."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from .api import api, not_found

app_name = "open311"


def _public(patterns):
    for pattern in patterns:
        if pattern.name == "api-root":  # ninja's root only raises 404 (HTML): ours is the spec's
            pattern = path("", csrf_exempt(not_found), name="api-root")
        login_not_required(pattern.callback)
        yield pattern


urlpatterns = [
    *_public(api.urls[0]),
    re_path(r"^.*$", login_not_required(csrf_exempt(not_found))),
]
