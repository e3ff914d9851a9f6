"""The unit reports figures with evidence; the county bureau of its county or the task force
confirms or returns them; the city never types a figure on the unit's behalf."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiebang.core.errors import DomainError
from jiebang.core.uploads import MAX_BYTES as EVIDENCE_MAX_BYTES
from jiebang.ledger import services
from jiebang.ledger.models import Evidence, Review, Task

PDF = b"%PDF-1.4\n%test evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _report(task, user, percent=40, **kwargs):
    return services.report_progress(
        task, acting_user=user, status=Task.Status.IN_PROGRESS, percent=percent, **kwargs
    )


def test_city_and_county_cannot_type_figures(
    project, make_task, city_admin, task_force, guanxian_bureau
):
    task = make_task()
    indicator = project.indicators.get()
    for user in (city_admin, task_force, guanxian_bureau):
        with pytest.raises(PermissionDenied):
            _report(task, user)
        with pytest.raises(PermissionDenied):
            services.report_measurement(
                indicator, acting_user=user, period=datetime.date(2026, 3, 1), value=4
            )
    assert not task.updates.exists() and not indicator.measurements.exists()


def test_only_the_units_county_or_task_force_confirms(
    make_task, guanxian_unit, shenxian_bureau, city_admin, guanxian_staff, task_force
):
    update = _report(make_task(), guanxian_unit)
    for user in (shenxian_bureau, city_admin, guanxian_staff):
        with pytest.raises(PermissionDenied):
            services.confirm_update(update, acting_user=user)
    services.confirm_update(update, acting_user=task_force)
    with pytest.raises(DomainError):  # confirmed once
        services.confirm_update(update, acting_user=task_force)


def test_return_needs_a_reason(make_task, guanxian_unit, guanxian_bureau):
    update = _report(make_task(), guanxian_unit)
    with pytest.raises(DomainError):
        services.return_update(update, acting_user=guanxian_bureau, reason="  ")


def test_percent_and_status_must_agree(make_task, guanxian_unit):
    task = make_task()
    with pytest.raises(DomainError):
        services.report_progress(task, acting_user=guanxian_unit, status="done", percent=80)
    with pytest.raises(DomainError):
        services.report_progress(task, acting_user=guanxian_unit, status="in_progress", percent=100)
    with pytest.raises(DomainError):
        _report(task, guanxian_unit, percent=120)
    with pytest.raises(DomainError):
        _report(task, guanxian_unit, reported_on=datetime.date(2099, 1, 1))


def test_measurement_report_confirm_and_return(project, guanxian_unit, guanxian_bureau):
    indicator = project.indicators.get()
    march = services.report_measurement(
        indicator,
        acting_user=guanxian_unit,
        period=datetime.date(2026, 3, 15),
        value="4.2",
        source="HIS统计",
    )
    assert (march.period, march.review) == (datetime.date(2026, 3, 1), Review.SUBMITTED)
    with pytest.raises(DomainError):  # one live figure per period
        services.report_measurement(
            indicator, acting_user=guanxian_unit, period=datetime.date(2026, 3, 1), value=4
        )
    services.return_measurement(march, acting_user=guanxian_bureau, reason="口径不一致")
    again = services.report_measurement(
        indicator, acting_user=guanxian_unit, period=datetime.date(2026, 3, 1), value="4.0"
    )
    services.confirm_measurement(again, acting_user=guanxian_bureau)
    assert list(indicator.measurements.confirmed().values_list("value", flat=True)) == [again.value]


def test_unit_reports_with_evidence_and_county_confirms_through_pages(
    login, project, make_task, guanxian_unit, guanxian_bureau
):
    task = make_task()
    client = login(guanxian_unit)
    page = client.get(task.get_absolute_url())
    assert "报送进度".encode() in page.content
    evidence = SimpleUploadedFile("现场照片.png", PNG, content_type="image/png")
    response = client.post(
        reverse("ledger:task-report", args=[task.pk]),
        {
            "status": "in_progress",
            "percent": 60,
            "reported_on": "2026-03-20",
            "text": "完成方案初稿",
            "evidence": [evidence],
        },
    )
    assert response.status_code == 302
    update = task.updates.get()
    assert update.evidence.get().name == "现场照片.png"

    client = login(guanxian_bureau)
    queue = client.get(reverse("workbench:queue"))
    assert "待确认".encode() in queue.content and "完成方案初稿".encode() in queue.content
    response = client.post(reverse("ledger:update-confirm", args=[update.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.percent == 60
    download = client.get(reverse("ledger:evidence", args=[update.evidence.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG


def test_returned_update_is_shown_to_the_unit_with_its_reason(
    login, make_task, guanxian_unit, task_force
):
    task = make_task(deadline=datetime.date(2099, 3, 31))
    update = _report(task, guanxian_unit)
    client = login(task_force)
    url = reverse("ledger:update-return", args=[update.pk])
    assert client.post(url, {"reason": "请补充会议纪要"}).status_code == 302
    client = login(guanxian_unit)
    for page in (client.get(reverse("workbench:queue")), client.get(task.get_absolute_url())):
        assert "请补充会议纪要".encode() in page.content
        assert "已退回".encode() in page.content
    badge = client.get(reverse("ledger:task-list")).content.decode()
    assert '<span class="badge rounded-pill text-bg-danger" id="queue-badge">1</span>' in badge


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("方案.docx", b"PK\x03\x04word", "的文件类型不被接受"),
        ("病毒.exe", b"MZ", "的文件类型不被接受"),
        ("照片.jpg", PDF, "内容与文件名不符"),
    ],
)
def test_uploads_reject_wrong_types_naming_the_file(
    login, make_task, guanxian_unit, name, content, message
):
    task = make_task()
    client = login(guanxian_unit)
    response = client.post(
        reverse("ledger:task-report", args=[task.pk]),
        {
            "status": "in_progress",
            "percent": 30,
            "reported_on": "2026-03-20",
            "evidence": [SimpleUploadedFile(name, content)],
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert name in text and message in text
    assert not task.updates.exists() and not Evidence.objects.exists()


def test_uploads_reject_oversize_files(make_task, guanxian_unit):
    task = make_task()
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES)
    with pytest.raises(DomainError) as error:
        _report(task, guanxian_unit, evidence=[big])
    assert "扫描件.pdf" in error.value.message and "10 MB" in error.value.message
    assert not task.updates.exists()  # nothing half-written


def test_measurement_form_on_the_project_ledger(login, project, guanxian_unit):
    indicator = project.indicators.get()
    client = login(guanxian_unit)
    url = reverse("ledger:measurement-create", args=[project.pk])
    response = client.post(
        url,
        {
            "indicator": indicator.pk,
            "period": "2026-04",
            "value": "3.6",
            "source": "病案首页",
            "evidence": [SimpleUploadedFile("月报.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    figure = indicator.measurements.get()
    assert (figure.period, figure.evidence.count()) == (datetime.date(2026, 4, 1), 1)
    page = client.get(reverse("ledger:project-ledger", args=[project.pk]))
    assert "待确认".encode() in page.content
