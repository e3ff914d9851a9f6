"""Points are computed from the records under the active rules, never stored."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from jiebang.assessment import points, services
from jiebang.assessment.models import PointRule, Recognition
from jiebang.core.errors import DomainError
from jiebang.orgs.models import Institution
from jiebang.projects.models import Project

K = PointRule.Kind
S = Project.Status


def _total(year, institution):
    rows = points.ranking(year, Institution.objects.filter(pk=institution.pk))
    return rows[0].total if rows else 0


def test_approved_claim_earns_the_rule_points_and_follows_rule_changes(
    rules, year, approve_claim, guanxian_unit, city_admin
):
    unit = guanxian_unit.institution
    assert _total(year, unit) == 0
    project = approve_claim(guanxian_unit)
    assert _total(year, unit) == rules[K.CLAIM_APPROVED].points == 10
    assert _total(year - 1, unit) == 0

    services.update_rule(rules[K.CLAIM_APPROVED], acting_user=city_admin, points=15)
    assert _total(year, unit) == 15
    services.update_rule(rules[K.CLAIM_APPROVED], acting_user=city_admin, is_active=False)
    assert _total(year, unit) == 0

    services.update_rule(rules[K.CLAIM_APPROVED], acting_user=city_admin, is_active=True)
    project.move_to(S.WITHDRAWN, by=city_admin)
    assert _total(year, unit) == 0  # a withdrawn project no longer counts


def test_completion_on_time_and_late(
    rules, year, publish, carry_out, guanxian_institution, shenxian_institution
):
    on_time = carry_out(publish(unit=guanxian_institution), S.COMPLETED)
    yesterday = datetime.date.today() - datetime.timedelta(days=3)
    late = carry_out(publish(unit=shenxian_institution, end_date=yesterday), S.COMPLETED)
    assigned, done, overdue = (
        rules[K.PROJECT_ASSIGNED].points,
        rules[K.COMPLETED_ON_TIME].points,
        rules[K.COMPLETED_LATE].points,
    )
    assert overdue < 0
    assert _total(year, guanxian_institution) == assigned + done == 26
    assert _total(year, shenxian_institution) == assigned + overdue == -4

    lines = points.breakdown(year, shenxian_institution)
    assert {(line.project.code, line.rule.name, line.points) for line in lines} == {
        (late.code, "派单承接", 6),
        (late.code, "逾期完成", -10),
    }
    assert all(line.date == datetime.date.today() for line in lines)
    assert on_time.code not in {line.project.code for line in lines}


def test_recognitions_earn_points_once(
    rules, year, publish, carry_out, guanxian_institution, city_admin, guanxian_bureau
):
    project = carry_out(publish(unit=guanxian_institution), S.EVALUATED)
    base = _total(year, guanxian_institution)
    services.record_recognition(project, kind="top_ten", year=year, acting_user=city_admin)
    services.record_recognition(
        project, kind="provincial_case", year=year, acting_user=city_admin, note="省卫健委通报"
    )
    assert _total(year, guanxian_institution) == base + 30 + 20
    with pytest.raises(DomainError):
        services.record_recognition(project, kind="top_ten", year=year, acting_user=city_admin)
    with pytest.raises(PermissionDenied):
        services.record_recognition(
            project, kind="national_recognition", year=year, acting_user=guanxian_bureau
        )
    evidence = [line.evidence for line in points.breakdown(year, guanxian_institution)]
    assert any("省卫健委通报" in text for text in evidence)


def test_a_project_without_unit_cannot_be_recognised(rules, year, publish, city_admin):
    with pytest.raises(DomainError):
        services.record_recognition(publish(), kind="top_ten", year=year, acting_user=city_admin)
    assert not Recognition.objects.exists()


def test_one_active_rule_per_kind(rules, city_admin):
    with pytest.raises(DomainError):
        services.create_rule(
            acting_user=city_admin, name="点单加分二", kind=K.CLAIM_APPROVED, points=3
        )
    services.create_rule(
        acting_user=city_admin, name="点单加分二", kind=K.CLAIM_APPROVED, points=3, is_active=False
    )
    assert PointRule.objects.filter(kind=K.CLAIM_APPROVED).count() == 2


def test_a_registered_source_counts_each_record(
    monkeypatch, rules, year, guanxian_institution, publish
):
    project = publish(unit=guanxian_institution)

    def three_overdue(asked_year):
        if asked_year == year:
            yield points.SourceRow(guanxian_institution.pk, project.pk, 3, "3 overdue tasks")

    # The directed project is the unit's since publishing: 派单 points (6) to begin with.
    assigned = rules[K.PROJECT_ASSIGNED].points
    monkeypatch.setitem(points.SOURCES, K.OVERDUE_TASK, three_overdue)
    assert _total(year, guanxian_institution) == 3 * rules[K.OVERDUE_TASK].points + assigned == 0
    monkeypatch.delitem(points.SOURCES, K.OVERDUE_TASK)
    assert _total(year, guanxian_institution) == assigned == 6


def test_ranking_shares_ranks_on_equal_totals(
    rules, year, approve_claim, guanxian_unit, shenxian_unit, publish, carry_out
):
    approve_claim(guanxian_unit, title="甲")
    approve_claim(shenxian_unit, title="乙")
    rows = points.ranking(year, Institution.objects.all())
    assert sorted((r.total, r.rank) for r in rows) == [(10, 1), (10, 1)]
    carry_out(publish(unit=shenxian_unit.institution, title="丙"), S.ASSIGNED)
    rows = points.ranking(year, Institution.objects.all())
    assert [(r.institution, r.total, r.rank) for r in rows] == [
        (shenxian_unit.institution, 16, 1),
        (guanxian_unit.institution, 10, 2),
    ]


def test_overdue_ledger_tasks_cost_points_each(
    rules, publish, carry_out, guanxian_institution, city_admin
):
    ledger = pytest.importorskip("jiebang.ledger.services")
    assert points.is_available(K.OVERDUE_TASK)
    project = carry_out(publish(unit=guanxian_institution), S.CONTRACTED)
    past = datetime.date.today() - datetime.timedelta(days=1)
    for title in ("制定方案", "试点运行"):
        ledger.create_task(project, acting_user=city_admin, title=title, deadline=past)
    ledger.create_task(
        project, acting_user=city_admin, title="总结", deadline=past + datetime.timedelta(days=30)
    )
    assert _total(past.year, guanxian_institution) == 2 * rules[K.OVERDUE_TASK].points + (
        rules[K.PROJECT_ASSIGNED].points if past.year == datetime.date.today().year else 0
    )
    [line] = [e for e in points.breakdown(past.year, guanxian_institution) if e.points < 0]
    assert (line.count, line.date, line.project) == (2, past, project)
