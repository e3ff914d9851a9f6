"""Proposal pages: drafting from clusters, the two screenings, ranking, the decision, the
reserve pool and its reviews, and the stage-1 settings; who may, and who sees what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiebang.core.roles import Role
from jiebang.needs import services
from jiebang.needs.models import Category, Cluster, FeedbackItem, Proposal, ScoringWeights
from jiebang.orgs.models import Region, User
from jiebang.projects.models import Project

URL = "/needs/proposals/"


@pytest.fixture(autouse=True)
def _categories(categories):
    pass


@pytest.fixture
def guanxian(db):
    return Region.objects.get(name="冠县")


@pytest.fixture
def second_expert(db):
    return User.objects.create_user("expert_two", full_name="专家乙", role=Role.EXPERT)


def _cluster(text, size, region):
    """A cluster of `size` items of `region` (what its county counts and reads)."""
    cluster = Cluster.objects.create(representative=text, size=size)
    for _ in range(size):
        FeedbackItem.objects.create(
            channel="hotline", received_at=timezone.now(), text=text, region=region, cluster=cluster
        )
    return cluster


def _proposal(user, title, region, *, experts=(), panel=(), admin=None):
    """A proposal drafted by `user`, in screening when `experts` are given."""
    proposal = services.draft_proposal(acting_user=user, title=title, region=region)
    if experts:
        services.open_screening(proposal, acting_user=admin, experts=experts, panel_members=panel)
        proposal.refresh_from_db()
    return proposal


def _score(client, proposal, f, u, b):
    data = {"feasibility": f, "urgency": u, "benefit": b, "comment": ""}
    return client.post(f"{URL}{proposal.pk}/score/", data)


def test_full_path_from_clusters_to_key_project(
    client, city_admin, guanxian_bureau, expert, second_expert, donge_unit, guanxian
):
    queue = _cluster("冠县人民医院挂号排队时间太长，希望增加窗口", 12, guanxian)
    night = _cluster("乡镇卫生院夜间无人值班", 5, guanxian)

    # A county bureau drafts a proposal from two clusters picked on the cluster page.
    client.force_login(guanxian_bureau)
    create_url = f"{URL}new/?clusters={queue.pk},{night.pk}"
    page = client.get(create_url)
    assert "冠县人民医院挂号排队时间太长" in page.text and "(12)" in page.text
    response = client.post(
        create_url,
        {
            "title": "门诊挂号一站式服务",
            "description": "增设自助机",
            "category": Category.objects.get(code="queue").pk,
            "region": guanxian.pk,
            "clusters": [queue.pk, night.pk],
        },
    )
    best = Proposal.objects.get(title="门诊挂号一站式服务")
    assert response.url == best.get_absolute_url()
    assert set(best.clusters.all()) == {queue, night}
    assert best.created_by == guanxian_bureau

    # The city admin opens screening with two experts and a county hospital on the panel.
    client.force_login(city_admin)
    screening_url = f"{URL}{best.pk}/screening/"
    form = client.get(screening_url).context["form"]
    assert donge_unit in form.fields["panel_members"].queryset
    assert set(form.fields["experts"].queryset) >= {expert, second_expert}
    response = client.post(
        screening_url,
        {"experts": [expert.pk, second_expert.pk], "panel_members": [donge_unit.pk]},
    )
    assert response.status_code == 302
    best.refresh_from_db()
    assert best.status == Proposal.Status.SCREENING

    # Both experts score; the panel member records a verdict.
    client.force_login(expert)
    assert _score(client, best, 9, 8, 9).status_code == 302
    client.force_login(second_expert)
    assert _score(client, best, 7, 8, 9).status_code == 302
    client.force_login(donge_unit)
    page = client.get(best.get_absolute_url())
    assert page.context["verdict_form"] is not None and "score_form" not in page.context
    response = client.post(
        f"{URL}{best.pk}/verdict/", {"verdict": "conditional", "note": "需增加两台自助机"}
    )
    assert response.status_code == 302

    # A second, weaker proposal: ranked below the first.
    weaker = _proposal(
        guanxian_bureau, "夜间值班轮岗", guanxian, experts=[expert], admin=city_admin
    )
    client.force_login(expert)
    _score(client, weaker, 4, 5, 3)
    client.force_login(city_admin)
    rows = client.get(f"{URL}ranking/").context["rows"]
    assert [(p.pk, p.weighted) for p in rows] == [(best.pk, 8.3), (weaker.pk, 4.0)]
    assert rows[0].n_scores == 2 and rows[0].verdict_counts == {"conditional": 1}

    # Select the best from the ranking page: a project is created from it.
    response = client.post(
        f"{URL}{best.pk}/decide/", {"action": "select", "next": f"{URL}ranking/"}
    )
    assert response.url == f"{URL}ranking/"
    project = Project.objects.get(source_proposal=best)
    assert not project.is_key and project.title == best.title

    # The weaker goes to the reserve pool; its review is due today.
    today = timezone.localdate()
    response = client.post(
        f"{URL}{weaker.pk}/decide/",
        {"action": "reserve", "tag": "policy", "review_date": today.isoformat()},
    )
    assert response.status_code == 302
    page = client.get("/needs/reserve/")
    assert [p.pk for p in page.context["due"]] == [weaker.pk]
    assert "夜间值班轮岗" in page.text
    assert client.get(URL).context["due_count"] == 1

    # Re-evaluation upgrades it to a key project; its history shows the whole path.
    response = client.post(f"{URL}{weaker.pk}/review/", {"action": "upgrade"})
    assert response.status_code == 302
    assert Project.objects.get(source_proposal=weaker).is_key
    page = client.get(weaker.get_absolute_url())
    statuses = [r.status for r in weaker.history.order_by("history_date")]
    # Assigning experts and panel members records history rows of their own.
    path = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    assert path == ["draft", "screening", "reserve", "upgraded"]
    assert page.context["history"][0].user == city_admin
    assert [p.is_key for p in page.context["projects"]] == [True]


def test_ranking_follows_the_weights(login, city_admin, guanxian_bureau, expert, guanxian):
    feasible = _proposal(guanxian_bureau, "易落地", guanxian, experts=[expert], admin=city_admin)
    urgent = _proposal(guanxian_bureau, "很紧迫", guanxian, experts=[expert], admin=city_admin)
    services.score_proposal(feasible, acting_user=expert, feasibility=10, urgency=2, benefit=5)
    services.score_proposal(urgent, acting_user=expert, feasibility=2, urgency=10, benefit=5)
    client = login(city_admin)
    assert [p.pk for p in client.get(f"{URL}ranking/").context["rows"]] == [feasible.pk, urgent.pk]

    response = client.post(
        "/needs/settings/weights/", {"feasibility": 0, "urgency": 0, "benefit": 0}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(
        "/needs/settings/weights/", {"feasibility": -1, "urgency": 1, "benefit": 1}
    )
    assert response.context["form"].errors["feasibility"]
    response = client.post(
        "/needs/settings/weights/", {"feasibility": 1, "urgency": 3, "benefit": 1}
    )
    assert response.status_code == 302
    assert ScoringWeights.current().history.first().history_user == city_admin
    assert [p.pk for p in client.get(f"{URL}ranking/").context["rows"]] == [urgent.pk, feasible.pk]


def test_only_the_assigned_expert_scores(
    login, city_admin, task_force, guanxian_bureau, expert, second_expert, guanxian
):
    proposal = _proposal(
        guanxian_bureau, "检查结果互认", guanxian, experts=[second_expert], admin=city_admin
    )
    scores = {"feasibility": 5, "urgency": 5, "benefit": 5}
    # Unassigned, the expert cannot see the proposal at all (experts see what they score).
    assert login(expert).post(f"{URL}{proposal.pk}/score/", scores).status_code == 404
    # In scope but not an assigned expert: 403, the city admin (a superuser) included.
    for user in (task_force, guanxian_bureau, city_admin):
        assert login(user).post(f"{URL}{proposal.pk}/score/", scores).status_code == 403
        assert login(user).get(proposal.get_absolute_url()).context.get("score_form") is None
    assert not proposal.scores.exists()
    client = login(second_expert)
    assert client.post(f"{URL}{proposal.pk}/score/", {**scores, "urgency": 11}).status_code == 200
    assert client.post(f"{URL}{proposal.pk}/score/", scores).status_code == 302


def test_experts_see_only_their_own_score(
    login, city_admin, guanxian_bureau, expert, second_expert, guanxian
):
    both = [expert, second_expert]
    proposal = _proposal(guanxian_bureau, "药品配送到村", guanxian, experts=both, admin=city_admin)
    for e, value in ((expert, 3), (second_expert, 9)):
        services.score_proposal(
            proposal, acting_user=e, feasibility=value, urgency=value, benefit=value
        )
    page = login(expert).get(proposal.get_absolute_url())
    assert [s.expert for s in page.context["scores"]] == [expert]
    assert page.context["summary"] is None
    assert page.context["score_form"].initial["feasibility"] == 3
    page = login(guanxian_bureau).get(proposal.get_absolute_url())
    assert {s.expert for s in page.context["scores"]} == set(both)
    assert page.context["summary"]["weighted"] == 6.0


def test_other_county_gets_404(login, city_admin, guanxian_bureau, shenxian_bureau, guanxian):
    proposal = _proposal(guanxian_bureau, "冠县提案", guanxian)
    assert login(guanxian_bureau).get(proposal.get_absolute_url()).status_code == 200
    client = login(shenxian_bureau)
    assert client.get(proposal.get_absolute_url()).status_code == 404
    assert client.post(f"{URL}{proposal.pk}/decide/", {"action": "select"}).status_code == 404
    assert "冠县提案" not in client.get(URL).text


def test_county_drafts_only_for_its_county_and_from_its_clusters(login, guanxian_bureau, guanxian):
    shenxian = Region.objects.get(name="莘县")
    own = _cluster("冠县的投诉", 3, guanxian)
    other = _cluster("莘县的投诉", 4, shenxian)
    client = login(guanxian_bureau)
    form = client.get(f"{URL}new/?clusters={own.pk},{other.pk},x").context["form"]
    assert list(form.fields["clusters"].queryset) == [own]
    assert list(form.fields["region"].queryset) == [guanxian]
    response = client.post(
        f"{URL}new/?clusters={own.pk},{other.pk}",
        {"title": "越界", "region": shenxian.pk, "clusters": [own.pk, other.pk]},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"region", "clusters"}
    assert not Proposal.objects.filter(title="越界").exists()


def test_only_the_city_admin_ranks_and_decides(
    login, city_admin, task_force, guanxian_bureau, expert, guanxian
):
    proposal = _proposal(
        guanxian_bureau, "专班不可决定", guanxian, experts=[expert], admin=city_admin
    )
    client = login(task_force)
    assert client.get(proposal.get_absolute_url()).status_code == 200
    assert client.get(f"{URL}ranking/").status_code == 403
    assert client.post(f"{URL}{proposal.pk}/decide/", {"action": "select"}).status_code == 403
    assert (
        client.post(f"{URL}{proposal.pk}/screening/", {"experts": [expert.pk]}).status_code == 403
    )
    assert client.get("/needs/settings/weights/").status_code == 403
    assert client.get("/needs/reserve/").context["can_manage"] is False
    assert client.get(URL).context["due_count"] == 0
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SCREENING and not Project.objects.exists()


def test_decision_errors_are_shown_on_the_page(
    login, city_admin, guanxian_bureau, expert, guanxian
):
    proposal = _proposal(guanxian_bureau, "待定", guanxian, experts=[expert], admin=city_admin)
    client = login(city_admin)
    response = client.post(f"{URL}{proposal.pk}/decide/", {"action": "reserve", "tag": ""})
    assert response.status_code == 200
    assert response.context["decide_form"].errors["tag"]
    draft = _proposal(guanxian_bureau, "草稿", guanxian)
    response = client.post(f"{URL}{draft.pk}/decide/", {"action": "select"})
    assert response.status_code == 200
    assert response.context["decide_form"].non_field_errors()
    assert not Project.objects.exists()


def test_postponing_a_review(
    login, city_admin, guanxian_bureau, expert, guanxian, django_assert_max_num_queries
):
    proposal = _proposal(guanxian_bureau, "远程会诊", guanxian, experts=[expert], admin=city_admin)
    today = timezone.localdate()
    services.send_to_reserve(proposal, acting_user=city_admin, tag="technology", review_date=today)
    client = login(city_admin)
    url = f"{URL}{proposal.pk}/review/"
    response = client.post(url, {"action": "postpone", "review_date": today.isoformat()})
    assert response.status_code == 200 and response.context["review_form"].non_field_errors()
    later = today + timedelta(days=30)
    response = client.post(
        url, {"action": "postpone", "review_date": later.isoformat(), "next": "/needs/reserve/"}
    )
    assert response.url == "/needs/reserve/"
    proposal.refresh_from_db()
    assert proposal.review_date == later and proposal.status == Proposal.Status.RESERVE
    with django_assert_max_num_queries(12):
        page = client.get("/needs/reserve/?tag=technology")
    assert page.context["due"] == []
    assert [p.pk for _label, rows in page.context["groups"] for p in rows] == [proposal.pk]
    assert client.get("/needs/reserve/?tag=policy").context["groups"] == []


def test_proposal_list_filters_and_stays_cheap(
    login, city_admin, guanxian_bureau, expert, guanxian, django_assert_max_num_queries
):
    for n in range(5):
        _proposal(guanxian_bureau, f"草稿{n}", guanxian)
    _proposal(guanxian_bureau, "筛选中", guanxian, experts=[expert], admin=city_admin)
    client = login(city_admin)
    with django_assert_max_num_queries(12):
        page = client.get(URL)
    assert page.context["page"].paginator.count == 6
    page = client.get(URL, {"status": "screening"}, headers={"HX-Request": "true"})
    assert [p.title for p in page.context["page"]] == ["筛选中"]
    assert "<html" not in page.text
    # The expert sees only what they were assigned.
    assert [p.title for p in login(expert).get(URL).context["page"]] == ["筛选中"]


def test_categories_are_added_renamed_and_switched_off(login, city_admin, task_force):
    assert login(task_force).get("/needs/settings/categories/").status_code == 403
    client = login(city_admin)
    response = client.post(
        "/needs/settings/categories/", {"name": "药品供应", "code": "drugs", "order": 10}
    )
    assert response.status_code == 302
    drugs = Category.objects.get(code="drugs")
    assert drugs.is_active and drugs.history.get().history_user == city_admin
    client.post(
        "/needs/settings/categories/",
        {"pk": drugs.pk, "name": "药品供应保障", "order": 10, "code": "changed"},
    )
    drugs.refresh_from_db()
    assert (drugs.name, drugs.code, drugs.is_active) == ("药品供应保障", "drugs", False)
    response = client.post(
        "/needs/settings/categories/", {"pk": drugs.pk, "name": "其他", "order": 1}
    )
    assert response.status_code == 200 and response.context["edit_form"].errors["name"]
    page = client.get("/needs/settings/categories/")
    assert "药品供应保障" in page.text


def test_screening_is_blind_for_reviewers(
    login, city_admin, guanxian_bureau, expert, second_expert, donge_unit, guanxian
):
    """Issue 10: a practice-panel unit sees its own verdict only and never who the experts or
    the other panel members are, neither on the page nor in the history; staff see both."""
    proposal = _proposal(
        guanxian_bureau,
        "慢病长处方",
        guanxian,
        experts=[expert, second_expert],
        panel=[donge_unit],
        admin=city_admin,
    )
    services.score_proposal(
        proposal, acting_user=second_expert, feasibility=9, urgency=9, benefit=9, comment="乙意见"
    )
    services.record_verdict(proposal, acting_user=donge_unit, verdict="pass", note="可落地")
    html = login(donge_unit).get(proposal.get_absolute_url()).content.decode()
    assert "可落地" in html and "不公开" in html
    for hidden in ("专家乙", "expert_two", expert.username, "乙意见"):
        assert hidden not in html
    html = login(second_expert).get(proposal.get_absolute_url()).content.decode()
    assert "乙意见" in html and "可落地" not in html and expert.username not in html
    html = login(guanxian_bureau).get(proposal.get_absolute_url()).content.decode()
    assert "专家乙" in html and "乙意见" in html and "可落地" in html
