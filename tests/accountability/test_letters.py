"""责任书: generated from a claimed project, confirmed by the unit head, frozen, as PDF."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from jiebang.accountability import services
from jiebang.accountability.models import ResponsibilityLetter, TaskForce
from jiebang.core.errors import DomainError
from jiebang.projects.models import Project, StatusChange

L = ResponsibilityLetter.Status


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_task_force_generates_and_unit_head_confirms(
    login, claimed_project, task_force, guanxian_head
):
    client = login(task_force)
    page = client.get(reverse("accountability:project-detail", args=[claimed_project.pk]))
    assert "生成责任书".encode() in page.content
    response = client.post(reverse("accountability:letter-generate", args=[claimed_project.pk]))
    letter = ResponsibilityLetter.objects.get(project=claimed_project)
    assert response.status_code == 302 and letter.status == L.DRAFT and letter.version == 1
    assert letter.content["unit"] == {"name": "冠县人民医院", "head": "冠县院长"}
    assert letter.content["indicators"][0]["target"] == "2.5"

    client = login(guanxian_head)
    page = client.get(letter.get_absolute_url())
    assert "确认责任书".encode() in page.content and claimed_project.title.encode() in page.content
    scan = SimpleUploadedFile("签字版.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        reverse("accountability:letter-confirm", args=[letter.pk]), {"signed_scan": scan}
    )
    assert response.status_code == 302
    letter.refresh_from_db()
    claimed_project.refresh_from_db()
    assert letter.status == L.CONFIRMED and letter.confirmed_by == guanxian_head
    assert letter.signed_scan
    assert claimed_project.status == Project.Status.CONTRACTED
    change = StatusChange.objects.filter(project=claimed_project).latest("pk")
    assert (change.to_status, change.changed_by) == (Project.Status.CONTRACTED, guanxian_head)
    unit_group = TaskForce.objects.get(project=claimed_project, kind=TaskForce.Kind.UNIT)
    assert [(m.user, m.role) for m in unit_group.members.all()] == [(guanxian_head, "leader")]
    assert TaskForce.objects.filter(project=claimed_project, kind=TaskForce.Kind.CITY).exists()
    scan_response = client.get(reverse("accountability:letter-scan", args=[letter.pk]))
    assert scan_response.status_code == 200


def test_only_the_head_of_the_implementing_unit_confirms(
    login, letter, guanxian_staff, shenxian_head, city_admin, task_force
):
    url = reverse("accountability:letter-confirm", args=[letter.pk])
    assert login(guanxian_staff).post(url).status_code == 403
    assert login(task_force).post(url).status_code == 403
    # Another county's unit head does not even see the letter.
    assert login(shenxian_head).post(url).status_code == 404
    for user in (guanxian_staff, shenxian_head, city_admin):
        with pytest.raises(PermissionDenied):
            services.confirm_letter(letter, acting_user=user)
    letter.refresh_from_db()
    assert letter.status == L.DRAFT
    assert Project.objects.get(pk=letter.project_id).status == Project.Status.CLAIMED


def test_confirmed_letter_is_frozen_when_the_project_changes(
    contracted_project, task_force, guanxian_head
):
    confirmed = ResponsibilityLetter.objects.get(project=contracted_project)
    before = confirmed.content
    # The project is edited afterwards (admin-side changes to title and indicator).
    Project.objects.filter(pk=contracted_project.pk).update(title="改名后的项目")
    contracted_project.indicators.update(target=1)
    confirmed.refresh_from_db()
    assert confirmed.content == before
    assert "预住院服务模式改革" in _pdf_text(services.letter_pdf(confirmed))
    with pytest.raises(DomainError):
        services.confirm_letter(confirmed, acting_user=guanxian_head)

    contracted_project.refresh_from_db()
    draft = services.generate_letter(contracted_project, acting_user=task_force)
    confirmed.refresh_from_db()
    assert draft.version == 2 and draft.content["project"]["title"] == "改名后的项目"
    assert confirmed.status == L.CONFIRMED and confirmed.content == before
    assert services.current_letter(contracted_project) == confirmed

    services.confirm_letter(draft, acting_user=guanxian_head)
    confirmed.refresh_from_db()
    assert confirmed.status == L.SUPERSEDED and confirmed.content == before
    contracted_project.refresh_from_db()
    assert contracted_project.status == Project.Status.CONTRACTED


def test_pdf_renders_the_chinese_text(login, letter, guanxian_head):
    response = login(guanxian_head).get(reverse("accountability:letter-pdf", args=[letter.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in (
        "预住院服务模式改革",
        "冠县人民医院",
        "术前平均等待时间",
        "2.5",
        "责任书",
        "甲方",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("签字.exe", b"MZ\x90\x00", "文件类型不被接受"),
        ("签字.pdf", b"just text", "PDF"),
        ("签字.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024), "10 MB"),
    ],
)
def test_signed_scan_upload_is_checked(login, letter, guanxian_head, name, content, fragment):
    client = login(guanxian_head)
    scan = SimpleUploadedFile(name, content)
    url = reverse("accountability:letter-confirm", args=[letter.pk])
    response = client.post(url, {"signed_scan": scan}, follow=True)
    text = response.content.decode()
    assert f"“{name}”" in text and fragment in text
    letter.refresh_from_db()
    assert letter.status == L.DRAFT and not letter.signed_scan


def test_letter_signed_on_site(login, contracted_project, task_force, guanxian_head):
    letter = services.current_letter(contracted_project)
    url = reverse("accountability:letter-on-site", args=[letter.pk])
    data = {"event_name": "揭榜挂帅签约仪式", "event_date": "2026-03-18"}
    assert login(guanxian_head).post(url, data).status_code == 403
    assert login(task_force).post(url, data).status_code == 302
    letter.refresh_from_db()
    assert letter.signed_on_site and letter.event_name == "揭榜挂帅签约仪式"
    page = login(guanxian_head).get(reverse("accountability:letter-list"))
    assert "揭榜挂帅签约仪式".encode() in page.content
    assert "揭榜挂帅签约仪式" in _pdf_text(services.letter_pdf(letter))


def test_letters_command_writes_one_pdf_per_contracted_project(
    tmp_path, make_claimed, task_force, guanxian_head
):
    for title in ("预住院服务模式改革", "检查检验结果互认"):
        project = make_claimed(title)
        services.confirm_letter(
            services.generate_letter(project, acting_user=task_force), acting_user=guanxian_head
        )
    waiting = make_claimed("日间手术")
    services.generate_letter(waiting, acting_user=task_force)
    out = io.StringIO()
    call_command("letters", output=str(tmp_path / "all"), stdout=out, verbosity=0)
    files = sorted(p.name for p in (tmp_path / "all").iterdir())
    contracted = Project.objects.filter(status=Project.Status.CONTRACTED).order_by("code")
    assert files == [f"{p.code}.pdf" for p in contracted] and len(files) == 2
    assert "检查检验结果互认" in _pdf_text((tmp_path / "all" / files[1]).read_bytes())

    call_command(
        "letters", output=str(tmp_path / "one"), project=waiting.code, stdout=out, verbosity=0
    )
    assert [p.name for p in (tmp_path / "one").iterdir()] == [f"{waiting.code}.pdf"]


def test_generate_refuses_a_project_not_claimed_or_assigned(
    claimed_project, task_force, guanxian_head
):
    with pytest.raises(PermissionDenied):
        services.generate_letter(claimed_project, acting_user=guanxian_head)
    Project.objects.filter(pk=claimed_project.pk).update(status=Project.Status.PUBLISHED)
    claimed_project.refresh_from_db()
    with pytest.raises(DomainError):
        services.generate_letter(claimed_project, acting_user=task_force)
