"""Huge numbers in query strings never give a 500: API limits and offsets are bounded (422
beyond), pages and ids beyond what the database stores are ignored."""

import pytest

HUGE = "9" * 26


@pytest.mark.parametrize(
    "query",
    [
        {"limit": HUGE},
        {"offset": HUGE},
        {"limit": 501},
        {"limit": 0},
        {"offset": -1},
        {"offset": 2**31 + 1},
    ],
)
def test_api_limit_and_offset_out_of_bounds_are_refused(login, city_admin, query):
    response = login(city_admin).get("/api/orgs/institutions", query)
    assert response.status_code == 422


def test_api_limit_and_offset_at_their_bounds_work(login, city_admin):
    client = login(city_admin)
    listed = client.get("/api/orgs/institutions", {"limit": 500}).json()
    assert listed["count"] > 0 and len(listed["items"]) == min(500, listed["count"])
    far = client.get("/api/orgs/institutions", {"offset": 2**31}).json()
    assert far["items"] == [] and far["count"] == listed["count"]


def test_api_huge_institution_id_is_404(login, city_admin):
    assert login(city_admin).get(f"/api/orgs/institutions/{HUGE}").status_code == 404


@pytest.mark.parametrize("number", [HUGE, "-3", "x", str(2**62)])
def test_audit_page_beyond_bounds(login, city_admin, number):
    response = login(city_admin).get("/audit/", {"page": number})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/needs/proposals/new/", {"clusters": HUGE}),
        ("/needs/proposals/new/", {"clusters": f"1,{HUGE},{2**63}"}),
        ("/needs/feedback/", {"page": HUGE}),
        ("/needs/feedback/", {"institution": HUGE}),
        ("/needs/feedback/", {"county": HUGE, "category": HUGE}),
        ("/needs/feedback/export/", {"institution": HUGE}),
        ("/needs/heatmap/data/", {"institution": HUGE, "county": HUGE}),
        ("/needs/review/", {"page": HUGE}),
        ("/needs/clusters/", {"page": HUGE}),
        ("/needs/imports/", {"page": HUGE}),
        ("/needs/proposals/", {"page": HUGE}),
    ],
)
def test_needs_pages_ignore_huge_numbers(login, city_admin, url, query):
    assert login(city_admin).get(url, query).status_code == 200


def test_parse_ids_ignores_ids_beyond_bigint():
    from jiebang.core.params import parse_ids

    assert parse_ids(f"1, 2,{2**63 - 1},{2**63},{HUGE},x,-4,") == [1, 2, 2**63 - 1]


@pytest.mark.parametrize("pk", [HUGE, "abc", "²"])
def test_category_form_with_a_junk_pk_is_404(login, city_admin, pk):
    response = login(city_admin).post("/needs/settings/categories/", {"pk": pk, "name": "x"})
    assert response.status_code == 404
