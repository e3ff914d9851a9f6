"""The documents of GeoReport v2 as OpenAPI schemas, with the spec's field names.

They describe what the handlers write (the handlers build plain data, formats.respond writes
it); the tests check every answer against them. The `xml` hints name the elements of the XML
form (<services><service>…), so the schema documents both media types."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema


def _xml(name: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"xml": {"name": name}})


WRAPPED = {"xml": {"wrapped": True}}
# Read by queries.window, which also takes the offset whose "+" came unencoded (a space).
DATE_TIME = {"json_schema_extra": {"format": "date-time"}}


class Service(Schema):
    """A kind of problem the public reports (a category of stage 1)."""

    model_config = _xml("service")

    service_code: str
    service_name: str
    description: str
    metadata: bool = Field(description="true: GET services/{service_code} lists its attributes")
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str = Field(description="comma-separated")
    group: str


class AttributeValue(Schema):
    model_config = _xml("value")

    key: str
    name: str


class Attribute(Schema):
    model_config = _xml("attribute")

    variable: bool
    code: str = Field(description="posted as attribute[code]")
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str
    order: int
    description: str
    values: list[AttributeValue] = Field(json_schema_extra=WRAPPED)


class ServiceDefinition(Schema):
    model_config = _xml("service_definition")

    service_code: str
    attributes: list[Attribute] = Field(json_schema_extra=WRAPPED)


class ServiceRequest(Schema):
    """A public ticket as the spec's service request. Its citizen's name and phone are never
    part of it, and phone numbers, e-mail addresses and identity numbers in its text are
    masked."""

    model_config = _xml("request")

    service_request_id: str = Field(description="the public tracking number")
    status: Literal["open", "closed"]
    status_notes: str | None = Field(description="the accepted reply of a closed request")
    service_name: str | None
    service_code: str | None
    description: str
    agency_responsible: str | None = Field(description="the unit that rectifies it")
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime | None
    expected_datetime: datetime | None = Field(description="the end of the deadline's day")
    address: str | None = Field(description="the service window or institution concerned")
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    media_url: str | None


class PostedRequest(Schema):
    model_config = _xml("request")

    service_request_id: str
    token: str
    service_notice: str | None
    account_id: str | None


class RequestToken(Schema):
    model_config = _xml("request")

    service_request_id: str
    token: str


class RequestFilters(Schema):
    """The filters of GET requests (queries.requests)."""

    service_request_id: str = Field(None, description="comma-separated; overrides the others")
    service_code: str = Field(None, description="comma-separated")
    start_date: str = Field(None, description="earliest requested_datetime", **DATE_TIME)
    end_date: str = Field(None, description="latest requested_datetime", **DATE_TIME)
    status: str = Field(
        None, pattern="^(open|closed)(,(open|closed))*$", description="open, closed or both"
    )


class Error(Schema):
    model_config = _xml("error")

    code: int = Field(description="the HTTP status")
    description: str


class Endpoint(Schema):
    model_config = _xml("endpoint")

    specification: str
    url: str
    changeset: datetime
    type: Literal["production", "test"]
    formats: list[str] = Field(
        json_schema_extra={**WRAPPED, "items": {"type": "string", "xml": {"name": "format"}}}
    )


class Discovery(Schema):
    model_config = _xml("discovery")

    changeset: datetime
    contact: str
    key_service: str
    endpoints: list[Endpoint] = Field(json_schema_extra=WRAPPED)


# Optional fields of the POST: absent, never null (a form cannot send null).
def _optional(description: str = "", **constraints):
    return Field(None, description=description or None, **constraints)


class NewRequest(BaseModel):
    """The fields of POST requests.{format} (form-encoded as the spec says, or JSON). A
    description is required here (words are what a unit rectifies) and so is a location:
    lat and long, address_string or address_id."""

    model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True, title="NewRequest")

    api_key: str = Field(description="the partner system's key (ask the city health commission)")
    service_code: str = Field(description="from services.{format}")
    description: str = Field(
        min_length=1, max_length=2000, description="what happened, in the citizen's words"
    )
    lat: float | SkipJsonSchema[None] = _optional("WGS-84 latitude", ge=-90, le=90)
    long: float | SkipJsonSchema[None] = _optional("WGS-84 longitude", ge=-180, le=180)
    address_string: str | SkipJsonSchema[None] = _optional(max_length=300)
    address_id: str | SkipJsonSchema[None] = _optional(max_length=100)
    email: str | SkipJsonSchema[None] = _optional("not stored", max_length=254)
    device_id: str | SkipJsonSchema[None] = _optional(max_length=100)
    account_id: str | SkipJsonSchema[None] = _optional("not stored", max_length=100)
    first_name: str | SkipJsonSchema[None] = _optional(max_length=30)
    last_name: str | SkipJsonSchema[None] = _optional(max_length=30)
    phone: str | SkipJsonSchema[None] = _optional(max_length=30)
    media_url: str | SkipJsonSchema[None] = _optional("not stored", max_length=500)
    jurisdiction_id: str | SkipJsonSchema[None] = _optional("one jurisdiction: ignored")
    rating: int | SkipJsonSchema[None] = Field(
        None, alias="attribute[rating]", ge=1, le=5, description="1 (very dissatisfied) to 5"
    )
    institution: str | SkipJsonSchema[None] = Field(
        None,
        alias="attribute[institution]",
        max_length=100,
        description="the registered name of the hospital or clinic concerned",
    )
