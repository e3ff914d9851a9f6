"""The two formats of GeoReport v2: XML (which the spec requires) and JSON, from one structure.

A handler builds plain data with the spec's field names (dicts, lists, strings, numbers,
booleans, None) and `respond` writes it in the format the path asked for. XML follows the
spec's documents: a list is an element named after the list with one child per member
(<services><service>…, <service_requests><request>…, <errors><error>…), None is an empty
element, a boolean is true/false; UTF-8 with the XML declaration, as text/xml."""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON, XML = "json", "xml"
FORMATS = (JSON, XML)
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
MEDIA_TYPES = {JSON: "application/json", XML: "text/xml"}

# The element of each member of a list, by the list's element (the spec's XML examples).
MEMBER = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, not even escaped (stored text is cleaned on the way
# in — core.text.clean_text — but C1 controls and lone surrogates are refused here too).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Open311Error(Exception):
    """A refusal in the spec's error format: the HTTP status and one description per problem
    (a list, so a request with three mistakes hears of all three)."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(status, *descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]


def format_of(request, default=JSON) -> str:
    """The format the path asked for (services.xml), for answers made outside a handler."""
    match = getattr(request, "resolver_match", None)
    fmt = match.kwargs.get("format") if match else None
    if fmt is None:
        fmt = XML if request.path_info.endswith(".xml") else default
    return fmt if fmt in FORMATS else default


def respond(fmt: str, data, root: str, status: int = 200) -> HttpResponse:
    """`data` (a list, or a dict for the single documents) as JSON or as XML under `root`."""
    if fmt == XML:
        body = to_xml(data, root)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, descriptions) -> HttpResponse:
    rows = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(fmt, rows, "errors", status=status)


def to_xml(data, root: str) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode()


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element, value) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        member = MEMBER.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, member), child)
    else:
        element.text = _text(value)
