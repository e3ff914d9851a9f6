"""Open311 GeoReport v2 (SPEC F5.4) at /open311/v2/: a django-ninja API of its own, public
(no log-in; a POST names its partner's api_key), documented at /open311/v2/docs.

Every path ends in .json or .xml (the spec's format suffix; the URL conf knows no other). The
handlers only read the request and call queries or intake; formats.respond writes the answer,
and every refusal is the spec's list of {code, description} in the format asked for."""

from typing import Literal

from django.http import Http404
from django.urls import register_converter, reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query
from ninja.errors import ValidationError

from . import intake, queries
from .formats import Open311Error, errors, format_of, respond
from .schemas import (
    Discovery,
    Error,
    NewRequest,
    PostedRequest,
    RequestFilters,
    RequestToken,
    Service,
    ServiceDefinition,
    ServiceRequest,
)


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "open311format")

Format = Literal["json", "xml"]
FMT = "{open311format:format}"

api = NinjaAPI(
    title="Open311 GeoReport v2",
    version="v2",
    urls_namespace="open311",
    description=(
        "The GeoReport v2 interface of the Liaocheng health commission's public feedback "
        "(http://wiki.open311.org/GeoReport_v2). Every resource answers in XML (.xml) or JSON "
        "(.json); errors are a list of {code, description}. Times carry their offset (+08:00). "
        "GET requests returns the newest 1000 requests of the last 90 days unless filtered; "
        "a start_date–end_date range may span 90 days at most. POST requests needs the "
        "api_key the city health commission gives a partner system."
    ),
)


def _ref(model) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _xml_list(model, root: str) -> dict:
    return {"type": "array", "items": _ref(model), "xml": {"name": root, "wrapped": True}}


def documented(ok, root: str, *failures: int) -> dict:
    """The keyword arguments of an operation: its JSON answers (`ok` is the model of a list
    under `root`, or of a single document when `root` is empty; `failures` the statuses of its
    error lists) and the same in XML, the alternative media type."""
    ok_xml = _xml_list(ok, root) if root else _ref(ok)
    responses = {200: list[ok] if root else ok, **{code: list[Error] for code in failures}}
    xml = {200: ok_xml, **{code: _xml_list(Error, "errors") for code in failures}}
    return {
        "response": responses,
        "openapi_extra": {
            "responses": {
                code: {"content": {"text/xml": {"schema": schema}}} for code, schema in xml.items()
            }
        },
    }


@api.exception_handler(Open311Error)
def refused(request, exc):
    return errors(format_of(request), exc.status, exc.descriptions)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    names = dict.fromkeys(str(e["loc"][-1]) for e in exc.errors if e.get("loc"))
    descriptions = [_("%(name)s has an invalid value.") % {"name": name} for name in names]
    return errors(format_of(request), 400, descriptions or [_("The request is not valid.")])


def not_found(request, *args, **kwargs):
    """Any other address under /open311/v2/: 404 in the spec's format."""
    return errors(format_of(request), 404, [_("Not found.")])


@api.exception_handler(Http404)
def missing(request, exc):
    return not_found(request)


@api.get(
    f"/discovery.{FMT}",
    **documented(Discovery, ""),
    summary="Service discovery",
    url_name="discovery",
)
def discovery(request, format: Format):
    url = request.build_absolute_uri(reverse("open311:api-root"))
    return respond(format, queries.discovery(url), "discovery")


@api.get(
    f"/services.{FMT}",
    **documented(Service, "services"),
    summary="GET service list",
    url_name="services",
)
def services(request, format: Format):
    return respond(format, queries.services(), "services")


@api.get(
    f"/services/{{service_code}}.{FMT}",
    **documented(ServiceDefinition, "", 404),
    summary="GET service definition",
    url_name="service-definition",
)
def service_definition(request, service_code: str, format: Format):
    definition = queries.service_definition(service_code)
    if definition is None:
        message = _("There is no service with the code %(code)s.") % {"code": service_code}
        raise Open311Error(404, message)
    return respond(format, definition, "service_definition")


@api.get(
    f"/requests.{FMT}",
    **documented(ServiceRequest, "service_requests", 400),
    summary="GET service requests",
    url_name="requests",
)
def requests(request, format: Format, filters: Query[RequestFilters]):
    return respond(format, queries.requests(**filters.dict()), "service_requests")


_body_schema = NewRequest.model_json_schema(by_alias=True)
_create_docs = documented(PostedRequest, "service_requests", 400, 403, 429)
_create_docs["openapi_extra"]["requestBody"] = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {"schema": _body_schema},
        "application/json": {"schema": _body_schema},
    },
}


@api.post(
    f"/requests.{FMT}", **_create_docs, summary="POST service request", url_name="request-create"
)
def create_request(request, format: Format):
    fields = intake.read_body(request)
    key = intake.partner(fields)
    ticket = intake.submit(fields, key)
    return respond(format, [queries.posted(ticket)], "service_requests")


@api.get(
    f"/requests/{{service_request_id}}.{FMT}",
    **documented(ServiceRequest, "service_requests", 404),
    summary="GET service request",
    url_name="request-detail",
)
def service_request(request, service_request_id: str, format: Format):
    row = queries.find_request(service_request_id)
    if row is None:
        message = _("There is no service request %(id)s.") % {"id": service_request_id}
        raise Open311Error(404, message)
    return respond(format, [row], "service_requests")


@api.get(
    f"/tokens/{{token}}.{FMT}",
    **documented(RequestToken, "service_requests", 404),
    summary="GET service_request_id from a token",
    url_name="token",
)
def token(request, token: str, format: Format):
    row = queries.find_token(token)
    if row is None:
        raise Open311Error(404, _("There is no service request with this token."))
    return respond(format, [row], "service_requests")
