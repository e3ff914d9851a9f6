from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from .models import Institution

router = Router(tags=["orgs"])


class InstitutionOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str = Field(alias="get_kind_display")
    level: str
    region: str = Field(alias="region.name")
    region_code: str = Field(alias="region.code")
    grid: int | None = Field(None, alias="grid.number")


@router.get("/institutions", response=list[InstitutionOut])
@paginate
def list_institutions(request, q: str = "", kind: str = "", region_code: str = ""):
    """Institutions visible to the caller, searchable by name, type and region code."""
    qs = Institution.objects.visible_to(request.user).select_related("region", "grid")
    if q:
        qs = qs.filter(name__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if region_code:
        qs = qs.filter(region__path__contains=f"/{region_code}/")
    return qs


@router.get("/institutions/{institution_id}", response=InstitutionOut)
def get_institution(request, institution_id: int):
    """One institution; 404 when it does not exist or lies outside the caller's scope."""
    visible = Institution.objects.visible_to(request.user).select_related("region", "grid")
    return get_object_or_404(visible, pk=institution_id)
