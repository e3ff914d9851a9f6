"""Dates lie between 2000-01-01 and 2100-12-31: year 0001 is refused by every date input of
every form (one shared check in core/forms.py) and by the ledger services, which imports reach
without a form."""

import datetime
import importlib
import inspect
import io
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from openpyxl import load_workbook

import jiebang
from jiebang.core.errors import DomainError
from jiebang.core.forms import BootstrapMixin, style_widgets
from jiebang.ledger import excel, services
from jiebang.ledger.models import ProgressUpdate, Task

YEAR_ONE = datetime.date(1, 1, 1)


def test_progress_report_dated_year_one_is_refused_and_not_stored(login, make_task, guanxian_unit):
    task = make_task()
    response = login(guanxian_unit).post(
        reverse("ledger:task-report", args=[task.pk]),
        {"status": "in_progress", "percent": 30, "reported_on": "0001-01-01", "text": "旧"},
    )
    assert response.status_code == 200
    errors = response.context["progress_form"].errors["reported_on"]
    assert "2000-01-01" in errors[0] and "2100-12-31" in errors[0]
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "dates",
    [
        {"deadline": "0001-01-01"},
        {"start": "0001-01-01", "deadline": "2026-02-28"},
        {"deadline": "2101-01-01"},
    ],
)
def test_task_with_a_date_out_of_range_is_refused_and_not_stored(
    login, project, guanxian_unit, dates
):
    response = login(guanxian_unit).post(
        reverse("ledger:task-create", args=[project.pk]),
        {"title": "人员培训", "weight": "1", **dates},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert any("2000-01-01" in e for field in dates for e in form.errors[field])
    assert not Task.objects.filter(title="人员培训").exists()


def test_task_edit_to_year_one_is_refused(login, make_task, guanxian_unit):
    task = make_task()
    url = reverse("ledger:task-edit", args=[task.pk])
    response = login(guanxian_unit).post(
        url, {"title": task.title, "weight": "1", "deadline": "0001-01-01"}
    )
    assert response.status_code == 200 and response.context["form"].errors["deadline"]
    task.refresh_from_db()
    assert task.deadline == datetime.date(2026, 3, 31)


def test_date_inputs_carry_min_and_max(project):
    from jiebang.ledger.forms import MeasurementForm, ProgressForm, TaskForm

    html = str(TaskForm(project=project)["deadline"])
    assert 'min="2000-01-01"' in html and 'max="2100-12-31"' in html
    assert 'min="2000-01-01"' in str(ProgressForm()["reported_on"])
    assert 'min="2000-01"' in str(MeasurementForm(project=project)["period"])


def test_services_refuse_year_one(project, make_task, guanxian_unit):
    with pytest.raises(DomainError, match="2000-01-01"):
        services.create_task(project, acting_user=guanxian_unit, title="旧", deadline=YEAR_ONE)
    with pytest.raises(DomainError):
        services.create_task(
            project,
            acting_user=guanxian_unit,
            title="旧",
            start=YEAR_ONE,
            deadline=datetime.date(2026, 5, 1),
        )
    task = make_task()
    with pytest.raises(DomainError):
        services.update_task(task, acting_user=guanxian_unit, deadline=YEAR_ONE)
    with pytest.raises(DomainError):
        services.report_progress(
            task, acting_user=guanxian_unit, status="in_progress", percent=10, reported_on=YEAR_ONE
        )
    with pytest.raises(DomainError):
        services.report_measurement(
            project.indicators.get(), acting_user=guanxian_unit, period=YEAR_ONE, value=3
        )
    task.refresh_from_db()
    assert task.deadline == datetime.date(2026, 3, 31)
    assert not task.updates.exists() and not Task.objects.filter(title="旧").exists()


def test_import_rejects_a_year_one_row(project, make_task, guanxian_unit):
    make_task()
    content = excel.export_tasks(Task.objects.filter(project=project), scope="测试")
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    columns = {cell.value: cell.column for cell in sheet[excel.HEADER_ROW]}
    row = excel.HEADER_ROW + 1
    sheet.cell(row, columns["截止日期"]).value = "0001-01-01"
    out = io.BytesIO()
    workbook.save(out)
    result = excel.import_tasks(out.getvalue(), "任务表.xlsx", acting_user=guanxian_unit)
    assert result.updated == 0 and len(result.rejects) == 1
    assert "2000-01-01" in result.messages()[0]
    assert Task.objects.get().deadline == datetime.date(2026, 3, 31)


# Every form of the project: a date field without the bound would be a way around it.


def _form_classes():
    package = jiebang.__path__
    for info in pkgutil.walk_packages(package, "jiebang."):
        if not info.name.split(".")[-1].startswith("forms"):
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def _date_fields(cls):
    return [
        name
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField)
    ]


def test_every_form_with_a_date_goes_through_style_widgets():
    """style_widgets (directly or through BootstrapMixin) adds the bound to every date field."""
    missing = []
    for cls in _form_classes():
        if not _date_fields(cls):
            continue
        if issubclass(cls, BootstrapMixin):
            continue
        own = [k for k in cls.__mro__ if k.__module__.startswith("jiebang.")]
        sources = "".join(inspect.getsource(k.__init__) for k in own if "__init__" in vars(k))
        if "style_widgets(" not in sources:
            missing.append(f"{cls.__module__}.{cls.__name__}")
    assert missing == []


def test_style_widgets_bounds_every_date_and_datetime_field():
    class _Form(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
        plain = forms.DateField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            style_widgets(self)

    form = _Form({"day": "0001-01-01", "moment": "0001-01-01T08:00", "plain": "2101-01-01"})
    assert not form.is_valid()
    assert set(form.errors) == {"day", "moment", "plain"}
    assert 'min="2000-01-01T00:00"' in str(form["moment"])
    ok = _Form({"day": "2000-01-01", "moment": "2100-12-31T23:59", "plain": "2026-05-01"})
    assert ok.is_valid(), ok.errors
    # Styling twice adds the check once.
    form = _Form()
    style_widgets(form)
    assert len(form.fields["day"].validators) == len(forms.DateField().validators) + 1
