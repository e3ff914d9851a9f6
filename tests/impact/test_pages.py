"""The impact pages: what each role sees and may do, 数据不足 where the data cannot carry a
figure and the numbers where they can, the forms' refusals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from jiebang.impact import services
from jiebang.impact.models import PolicyDocument, ReachRecord, Step
from jiebang.orgs.models import Institution
from tests.factories.orgs import unit_head
from tests.factories.projects import today

from .conftest import drop_of, month, record_figures

NO_DATA = 'class="badge text-bg-light border no-data"'


def url(name, *args):
    return reverse(f"impact:{name}", args=args)


# Effect measurement


def test_effect_page_says_insufficient_data_for_tiny_samples(login, project, task_force):
    indicator = project.indicators.order_by("pk").first()
    record_figures(indicator, {-8: 5.1, -7: 4.9, -2: 3.0})
    response = login(task_force).get(url("project-effect", project.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert gettext("Insufficient data") in text
    assert text.count(NO_DATA) >= 4  # both indicators, both figures
    assert 'class="mean-before"' not in text
    assert 'class="figures-count">2 / 1<' in text
    assert 'id="impact-effect-data"' in text


def test_effect_page_shows_the_before_and_after_figures(login, project, task_force):
    indicator = project.indicators.order_by("pk").first()
    record_figures(indicator, drop_of(1.5))
    response = login(task_force).get(url("project-effect", project.pk))
    text = response.content.decode()
    row = next(r for r in response.context["rows"] if r.indicator == indicator)
    assert row.enough and (row.n_before, row.n_after) == (12, 6)
    assert row.comparison.difference.contains(-1.5)
    assert row.verdict["code"] == "improved"
    assert f'class="mean-before">{row.comparison.mean_before:.2f}<' in text
    assert f'class="mean-after">{row.comparison.mean_after:.2f}<' in text
    assert 'class="level-change"' in text  # 18 monthly figures: the regression too
    assert gettext("Lower is better") in text
    data = response.context["data"]["charts"][0]
    assert data["intervention"] == project.start_date.isoformat()
    assert len(data["lines"][0]["points"]) == 18 and len(data["means"]) == 2


def test_only_confirmed_figures_count(login, project, task_force):
    from tests.factories.ledger import MeasurementFactory

    indicator = project.indicators.order_by("pk").first()
    record_figures(indicator, {-9: 5.0, -8: 5.2, -7: 4.8, -3: 3.1, -2: 2.9})
    MeasurementFactory(indicator=indicator, period=month(-1), value=3)  # awaiting confirmation
    MeasurementFactory(indicator=indicator, period=month(-4), value=3, returned="数据有误")
    response = login(task_force).get(url("project-effect", project.pk))
    row = next(r for r in response.context["rows"] if r.indicator == indicator)
    assert (row.n_before, row.n_after) == (3, 2) and not row.enough


def test_the_intervention_date_is_the_city_s_choice_with_a_reason(login, project, city_admin, head):
    indicator = project.indicators.order_by("pk").first()
    record_figures(indicator, drop_of(1.5, after=6))
    client = login(city_admin)
    edit = url("intervention-edit", project.pk)
    refused = client.post(edit, {"date": month(-9).isoformat(), "reason": ""})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    client.post(edit, {"date": month(-9).isoformat(), "reason": "新流程提前在试点科室上线"})
    page = client.get(url("project-effect", project.pk))
    assert (
        page.context["when"].date == month(-9)
        and "新流程提前在试点科室上线" in page.content.decode()
    )
    row = next(r for r in page.context["rows"] if r.indicator == indicator)
    assert (row.n_before, row.n_after) == (9, 9)
    client.post(edit, {"date": "", "reason": ""})  # back to the start date
    assert client.get(url("project-effect", project.pk)).context["when"].date == project.start_date
    assert login(head).get(edit).status_code == 403


def test_a_unit_of_another_county_cannot_see_the_effect(
    login, project, other_unit_user, shenxian_bureau, head
):
    assert login(other_unit_user).get(url("project-effect", project.pk)).status_code == 404
    assert login(shenxian_bureau).get(url("project-effect", project.pk)).status_code == 404
    assert login(head).get(url("project-effect", project.pk)).status_code == 200


def test_programme_page_lists_measured_effects_in_scope(
    login, project, shenxian_project, task_force, guanxian_bureau, django_assert_max_num_queries
):
    record_figures(project.indicators.order_by("pk").first(), drop_of(1.5))
    record_figures(shenxian_project.indicators.first(), {-12: 5, -11: 5.1, -1: 4})
    client = login(task_force)
    with django_assert_max_num_queries(20):
        response = client.get(url("effect-list"))
    rows = list(response.context["page"])
    assert [r.project for r in rows] == [project, shenxian_project]  # the figure first
    assert rows[0].enough and not rows[1].enough
    assert gettext("Insufficient data") in response.content.decode()
    improved = client.get(url("effect-list"), {"verdict": "improved"}).context["page"]
    assert [r.project for r in improved] == [project]
    mine = login(guanxian_bureau).get(url("effect-list")).context["page"]
    assert [r.project for r in mine] == [project]  # 莘县's is out of scope


# Promotion pages


def test_task_force_finishes_a_step_with_outputs_and_a_file(login, promotion, task_force):
    research = promotion.steps.get(order=1)
    client = login(task_force)
    detail = client.get(promotion.get_absolute_url())
    assert detail.status_code == 200 and 'id="start-form"' in detail.content.decode()
    client.post(
        url("step-start", research.pk),
        {"started_on": (today() - datetime.timedelta(days=3)).isoformat()},
    )
    research.refresh_from_db()
    assert research.status == Step.Status.IN_PROGRESS
    refused = client.post(url("step-finish", research.pk), {"outputs": ""})
    assert refused.status_code == 200 and refused.context["finish_form"].errors
    pdf = SimpleUploadedFile("诊断报告.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = client.post(
        url("step-finish", research.pk), {"outputs": "形成调研诊断报告", "files": [pdf]}
    )
    assert response.status_code == 302
    research.refresh_from_db()
    assert research.status == Step.Status.DONE and research.outputs == "形成调研诊断报告"
    item = research.files.get()
    download = client.get(url("step-file", item.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    page = client.get(promotion.get_absolute_url()).content.decode()
    assert "形成调研诊断报告" in page and "诊断报告.pdf" in page


def test_a_step_out_of_order_is_refused_with_the_reason(login, promotion, task_force):
    pilot = promotion.steps.get(order=2)
    client = login(task_force)
    response = client.post(url("step-start", pilot.pk), follow=True)
    assert response.status_code == 200
    pilot.refresh_from_db()
    assert pilot.status == Step.Status.NOT_STARTED
    assert any("调研诊断" in str(m) or "Research" in str(m) for m in response.context["messages"])


def test_who_sees_a_promotion(
    login, promotion, head, guanxian_bureau, shenxian_bureau, other_unit_user
):
    assert login(head).get(promotion.get_absolute_url()).status_code == 200
    assert login(guanxian_bureau).get(promotion.get_absolute_url()).status_code == 200
    assert login(shenxian_bureau).get(promotion.get_absolute_url()).status_code == 404
    assert login(other_unit_user).get(promotion.get_absolute_url()).status_code == 404
    research = promotion.steps.get(order=1)
    assert login(head).post(url("step-start", research.pk)).status_code == 403  # not its owner
    assert login(head).get(url("promotion-create")).status_code == 403


def test_city_staff_plan_a_step_and_record_an_adoption(login, promotion, city_admin, head):
    client = login(city_admin)
    research = promotion.steps.get(order=1)
    response = client.post(
        url("step-edit", research.pk),
        {
            "owner": head.pk,
            "planned_start": month(0).isoformat(),
            "planned_end": month(1).isoformat(),
        },
    )
    assert response.status_code == 302
    research.refresh_from_db()
    assert research.owner == head and research.planned_end == month(1)
    hospital = Institution.objects.get(name="聊城市第二人民医院")
    response = client.post(
        url("adoption-create", promotion.pk),
        {"institution": hospital.pk, "adopted_on": month(-2).isoformat(), "status": "running"},
    )
    adoption = promotion.adoptions.get()
    assert response.status_code == 302 and adoption.institution == hospital


def test_an_adopter_sees_its_adoption_and_records_values(
    login, promotion, city_admin, project, other_unit_user
):
    hospital = Institution.objects.get(name="聊城市第二人民医院")
    adoption = services.add_adoption(
        promotion, acting_user=city_admin, institution=hospital, adopted_on=month(-3)
    )
    adopter = unit_head(hospital)
    client = login(adopter)
    page = client.get(adoption.get_absolute_url())
    assert page.status_code == 200 and 'id="value-form"' in page.content.decode()
    assert not page.context["promotion_visible"]  # the source project is not its own
    assert client.get(promotion.get_absolute_url()).status_code == 404
    indicator = project.indicators.order_by("pk").first()
    response = client.post(
        url("adoption-value", adoption.pk),
        {"indicator": indicator.pk, "period": month(-1).strftime("%Y-%m"), "value": "3.3"},
    )
    assert response.status_code == 302 and adoption.values.get().period == month(-1)
    refused = client.post(
        url("adoption-value", adoption.pk),
        {"indicator": indicator.pk, "period": month(2).strftime("%Y-%m"), "value": "3"},
    )
    assert refused.status_code == 200 and refused.context["value_form"].non_field_errors()
    assert login(other_unit_user).get(adoption.get_absolute_url()).status_code == 404


# Policy documents


def test_city_staff_record_a_policy_with_articles_citing_projects(login, city_admin, project):
    client = login(city_admin)
    response = client.post(
        url("policy-create"),
        {
            "title": "改善医疗服务60条",
            "number": "聊卫发〔2025〕18号",
            "issued_on": month(-1).isoformat(),
            "issuer": "聊城市卫生健康委员会",
        },
    )
    document = PolicyDocument.objects.get()
    assert response.status_code == 302
    client.post(
        url("article-create", document.pk),
        {"number": 1, "text": "推行预住院服务。", "projects": [project.pk]},
    )
    refused = client.post(url("article-create", document.pk), {"number": 1, "text": "重复条号"})
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    article = document.articles.get()
    assert list(article.projects.all()) == [project]
    page = client.get(document.get_absolute_url()).content.decode()
    assert project.code in page and "推行预住院服务" in page


def test_a_policy_file_is_checked(login, city_admin):
    fake = SimpleUploadedFile("文件.pdf", b"hello", content_type="application/pdf")
    response = login(city_admin).post(
        url("policy-create"),
        {
            "title": "智慧服务10条",
            "issued_on": month(-1).isoformat(),
            "issuer": "市卫健委",
            "file": fake,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not PolicyDocument.objects.exists()


def test_a_unit_reads_policies_but_cannot_create_them(login, head, city_admin):
    document = services.create_policy(
        acting_user=city_admin,
        title="缓解群众看病难20条",
        number="",
        issued_on=month(-1),
        issuer="市卫健委",
        summary="",
    )
    client = login(head)
    assert client.get(url("policy-list")).status_code == 200
    assert client.get(document.get_absolute_url()).status_code == 200
    assert client.get(url("policy-create")).status_code == 403
    assert (
        client.post(
            url("policy-create"), {"title": "x", "issued_on": month(-1).isoformat(), "issuer": "x"}
        ).status_code
        == 403
    )
    assert client.get(url("policy-edit", document.pk)).status_code == 403
    assert PolicyDocument.objects.count() == 1


# Reach


def _reach(admin, kind, day, projects=()):
    return services.create_reach(
        acting_user=admin,
        kind=kind,
        date=day,
        title="聊城推行预住院",
        outlet="健康报",
        level="national",
        projects=projects,
    )


def test_reach_counts_per_kind_and_year(city_admin, project):
    from jiebang.impact.queries import reach_counts

    assert reach_counts() == {
        "total": 0,
        "by_kind": {"media": 0, "speech": 0, "delegation": 0},
        "by_year": [],
    }
    _reach(city_admin, "media", datetime.date(2024, 5, 1), [project])
    _reach(city_admin, "media", datetime.date(2025, 5, 1))
    _reach(city_admin, "speech", datetime.date(2025, 6, 1))
    _reach(city_admin, "delegation", datetime.date(2025, 7, 1))
    counts = reach_counts()
    assert counts["total"] == 4
    assert counts["by_kind"] == {"media": 2, "speech": 1, "delegation": 1}
    assert counts["by_year"] == [
        {"year": 2024, "media": 1, "speech": 0, "delegation": 0, "total": 1},
        {"year": 2025, "media": 1, "speech": 1, "delegation": 1, "total": 3},
    ]
    assert reach_counts(ReachRecord.objects.filter(projects=project))["total"] == 1


def test_reach_page_counts_what_the_filter_keeps(
    login, city_admin, guanxian_bureau, head, django_assert_max_num_queries
):
    _reach(city_admin, "media", datetime.date(2025, 5, 1))
    _reach(city_admin, "delegation", datetime.date(2025, 7, 1))
    client = login(guanxian_bureau)
    with django_assert_max_num_queries(15):
        response = client.get(url("reach-list"))
    assert (
        response.context["counts"]["total"] == 2
        and 'id="reach-total">2<' in response.content.decode()
    )
    filtered = client.get(url("reach-list"), {"kind": "media"})
    assert filtered.context["counts"]["total"] == 1
    assert client.get(url("reach-create")).status_code == 403  # the bureau reads, the city records
    assert login(head).get(url("reach-list")).status_code == 403


def test_a_delegation_keeps_its_visitors_and_a_report_none(login, city_admin):
    client = login(city_admin)
    for kind in ("delegation", "media"):
        response = client.post(
            url("reach-create"),
            {
                "kind": kind,
                "date": month(-1).isoformat(),
                "title": "考察",
                "outlet": "河北省邯郸市卫生健康委员会",
                "level": "provincial",
                "visitors": 12,
            },
        )
        assert response.status_code == 302
    assert dict(ReachRecord.objects.values_list("kind", "visitors")) == {
        "delegation": 12,
        "media": None,
    }
    future = client.post(
        url("reach-create"),
        {
            "kind": "media",
            "date": (today() + datetime.timedelta(days=2)).isoformat(),
            "title": "x",
            "outlet": "y",
            "level": "national",
        },
    )
    assert future.status_code == 200 and future.context["form"].non_field_errors()


def test_the_menu_offers_the_impact_pages_to_city_staff(login, task_force):
    response = login(task_force).get("/")
    stage = next(s for s in response.context["menu"]["stages"] if s["slug"] == "evaluation")
    names = {e["url_name"] for e in stage["entries"]}
    assert {
        "impact:promotion-list",
        "impact:effect-list",
        "impact:policy-list",
        "impact:reach-list",
    } <= names
    for name in ("promotion-list", "effect-list", "policy-list", "reach-list"):
        assert login(task_force).get(url(name)).status_code == 200


@pytest.mark.parametrize("name", ["promotion-list", "effect-list", "policy-list"])
def test_lists_open_for_a_unit(login, head, name):
    assert login(head).get(url(name)).status_code == 200
