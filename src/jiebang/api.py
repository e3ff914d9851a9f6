"""The JSON API: one django-ninja router per app, mounted at /api/."""

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI
from ninja.security import django_auth

from jiebang.core.errors import DomainError
from jiebang.orgs.api import router as orgs_router

api = NinjaAPI(title="Jiebang API", version="1", auth=django_auth)
api.add_router("/orgs", orgs_router)


@api.exception_handler(DomainError)
def domain_error(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=409)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": "forbidden"}, status=403)
