"""The institution form is built only for those who may submit it; an institution gives its
scope to its unit users only."""

import pytest

from jiebang.core.roles import Role
from jiebang.core.scoping import NOTHING, user_scope
from jiebang.orgs.models import Institution, Region, User

NEW = "/orgs/institutions/new/"


@pytest.mark.parametrize("persona", ["task_force", "donge_unit", "expert", "panel_member"])
def test_institution_create_is_refused_on_get_before_the_form(request, login, persona):
    response = login(request.getfixturevalue(persona)).get(NEW)
    assert response.status_code == 403
    assert b"<select" not in response.content


@pytest.mark.parametrize("persona", ["task_force", "donge_unit", "expert"])
def test_institution_create_is_refused_on_post(request, login, persona):
    region = Region.objects.get(name="冠县")
    data = {
        "name": "冠县第三人民医院",
        "kind": "county_hospital",
        "level": "2a",
        "region": region.pk,
    }
    assert login(request.getfixturevalue(persona)).post(NEW, data).status_code == 403
    assert not Institution.objects.filter(name="冠县第三人民医院").exists()


@pytest.mark.parametrize("persona", ["city_admin", "guanxian_bureau"])
def test_institution_create_form_is_shown_to_who_may_add(request, login, persona):
    response = login(request.getfixturevalue(persona)).get(NEW)
    assert response.status_code == 200
    assert response.context["form"] is not None


def test_bureau_gets_only_its_county_regions_in_the_form(login, guanxian_bureau):
    regions = login(guanxian_bureau).get(NEW).context["form"].fields["region"].queryset
    guanxian = Region.objects.get(name="冠县")
    assert regions.exists()
    assert all(r.path.startswith(guanxian.path) for r in regions)


def test_expert_and_panel_see_no_institution_through_their_own(login, expert, guanxian_institution):
    panel = User.objects.create_user(
        "orgs_panel_with_unit", role=Role.PANEL, institution=guanxian_institution
    )
    for user in (expert, panel):
        assert user_scope(user) == NOTHING
        assert not Institution.objects.visible_to(user).exists()
    assert login(expert).get(expert.institution.get_absolute_url()).status_code == 404
