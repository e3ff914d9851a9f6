"""POST requests.{format}: a partner system's service request becomes a public ticket.

The body is form-encoded (the spec's) or JSON with the same names (JSON may also nest the
attributes: {"attribute": {"rating": 4}}). The key is checked first (403), then every field,
so the partner hears of all its mistakes at once (400). The location the spec requires is
checked but not stored: the ticket's place is its institution. Name and phone go to the
feedback item like any public submission's; e-mail, account_id and media_url are not kept."""

import json

from django.utils.translation import gettext as _
from pydantic import ValidationError

from jiebang.core.errors import DomainError
from jiebang.core.text import clean_text
from jiebang.orgs.models import Institution

from .. import services
from ..models import Ticket
from . import keys
from .formats import Open311Error
from .queries import active_categories
from .schemas import NewRequest


def read_body(request) -> dict:
    """The posted fields by name, text cleaned and trimmed; empty ones count as absent."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise Open311Error(400, _("The body is not valid JSON.")) from None
        if not isinstance(data, dict):
            raise Open311Error(400, _("The body must be a JSON object of the request's fields."))
        attributes = data.pop("attribute", None)
        if isinstance(attributes, dict):
            data.update({f"attribute[{code}]": value for code, value in attributes.items()})
    else:
        data = request.POST.dict()
    fields = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = clean_text(value).strip()
        if value not in ("", None):
            fields[name] = value
    return fields


def partner(fields: dict):
    """The posting partner's key; 403 when it is missing, unknown or revoked, 429 when the
    key has posted its hourly allowance."""
    raw = fields.get("api_key")
    key = keys.partner_for(raw if isinstance(raw, str) else None)
    if key is None:
        raise Open311Error(403, _("api_key is missing, unknown or revoked."))
    if not keys.count_post(key):
        raise Open311Error(
            429,
            _("This key has posted %(n)s requests within the hour, the most allowed; try later.")
            % {"n": keys.KEY_HOURLY_LIMIT},
        )
    return key


def _problems(fields: dict) -> list[str]:
    """What the spec and we require: a service code, a description and a location."""
    problems = []
    if "service_code" not in fields:
        problems.append(_("service_code is missing: choose one from services.json."))
    if "description" not in fields:
        problems.append(_("description is missing: please describe the problem."))
    has_point = "lat" in fields and "long" in fields
    if not (has_point or "address_string" in fields or "address_id" in fields):
        problems.append(_("A location is required: lat and long, address_string or address_id."))
    return problems


def _validated(fields: dict) -> NewRequest:
    problems = _problems(fields)
    try:
        data = NewRequest.model_validate(fields)
    except ValidationError as error:
        reported = {"service_code", "description"} - set(fields)  # said above already
        for detail in error.errors():
            name = str(detail["loc"][0]) if detail["loc"] else ""
            if name not in reported:
                problems.append(_("%(name)s has an invalid value.") % {"name": name})
                reported.add(name)
        raise Open311Error(400, *problems) from None
    if problems:
        raise Open311Error(400, *problems)
    return data


def submit(fields: dict, key) -> Ticket:
    """The new ticket of the posted request; 400 listing every problem of the fields, or the
    service's refusal (a duplicate of a request made within a day, a text it cannot keep)."""
    data = _validated(fields)
    problems = []
    category = active_categories().filter(code=data.service_code).first()
    if category is None:
        problems.append(
            _("There is no service with the code %(code)s.") % {"code": data.service_code}
        )
    institution = None
    if data.institution:
        institution = Institution.objects.filter(name=data.institution).first()
        if institution is None:
            problems.append(
                _("No hospital or clinic is registered under the name %(name)s.")
                % {"name": data.institution}
            )
    if problems:
        raise Open311Error(400, *problems)
    try:
        return services.submit_public(
            source=Ticket.Source.OPEN311,
            text=data.description,
            rating=data.rating,
            institution=institution,
            region=None,
            name=f"{data.last_name or ''}{data.first_name or ''}",
            phone=data.phone or "",
            device=data.device_id or "",
            partner=key,
            category=category,
        )
    except DomainError as error:  # services.Duplicate included
        raise Open311Error(400, error.message) from None
