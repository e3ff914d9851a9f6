"""Staff pages: the ticket in the queue, its actions by role, the figures, QR codes, deadlines."""

import io

from pypdf import PdfReader

from jiebang.needs.models import Category
from jiebang.supervision import services
from jiebang.supervision.models import AspectDeadline, ServicePoint, Ticket

TEXT = "住院部出院结算要排很久的队，希望能在病房直接办理出院结算。"


def _ticket(window, **fields):
    return services.submit_public(
        source=Ticket.Source.QR, text=TEXT, rating=2, service_point=window, **fields
    )


def test_the_unit_answers_in_its_queue_and_the_county_publishes_it(
    login, window, guanxian_unit, guanxian_bureau, client
):
    ticket = _ticket(window)
    unit = login(guanxian_unit)
    queue = unit.get("/work/")
    assert ticket.get_absolute_url() in queue.text
    page = unit.get(ticket.get_absolute_url())
    assert "answer-card" in page.text and "check-card" not in page.text
    unit.post(f"/supervision/tickets/{ticket.pk}/answer/", {"reply": "已开通床旁结算。"})
    client.logout()
    bureau = login(guanxian_bureau)
    page = bureau.get(ticket.get_absolute_url())
    assert "check-card" in page.text and "answer-card" not in page.text
    bureau.post(f"/supervision/tickets/{ticket.pk}/accept/")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    client.logout()
    public = client.get(ticket.get_public_url())
    assert "已开通床旁结算。" in public.text


def test_an_empty_reply_stays_on_the_page_with_a_message(login, window, guanxian_unit):
    ticket = _ticket(window)
    page = login(guanxian_unit).post(f"/supervision/tickets/{ticket.pk}/answer/", {"reply": ""})
    assert page.status_code == 200 and "answer-card" in page.text
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_another_unit_and_another_county_cannot_see_or_act(
    login, window, donge_unit, shenxian_bureau, client
):
    ticket = _ticket(window)
    assert login(donge_unit).get(ticket.get_absolute_url()).status_code == 404
    assert client.post(f"/supervision/tickets/{ticket.pk}/answer/", {"reply": "x"}).status_code in (
        403,
        404,
    )
    client.logout()
    assert login(shenxian_bureau).get(ticket.get_absolute_url()).status_code == 404


def test_the_list_filters_and_searches(login, window, guanxian_bureau):
    ticket = _ticket(window)
    client = login(guanxian_bureau)
    assert ticket.number in client.get("/supervision/tickets/", {"q": ticket.number}).text
    assert ticket.number in client.get("/supervision/tickets/", {"q": "出院结算"}).text
    assert ticket.number not in client.get("/supervision/tickets/", {"status": "closed"}).text


def test_satisfaction_figures_come_from_the_tickets(login, window, city_admin):
    _ticket(window)
    services.submit_public(source=Ticket.Source.QR, rating=5, service_point=window)
    page = login(city_admin).get("/supervision/satisfaction/")
    totals = page.context["totals"]
    assert totals["n"] == 2 and totals["rating"] == 3.5
    assert page.context["aspect_rows"][0]["n"] == 1
    assert [r["label"] for r in page.context["unit_rows"]] == ["冠县人民医院"]


def test_qr_codes_png_and_printable_sheet(login, window, city_admin, client):
    staff = login(city_admin)
    png = staff.get(f"/supervision/windows/{window.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    pdf = staff.get(f"/supervision/windows/{window.pk}/qr.pdf")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "扫码评价" in text and window.name in text and f"/feedback/w/{window.pk}/" in text


def test_a_unit_adds_its_own_window_only(login, guanxian_unit, shenxian_institution, categories):
    client = login(guanxian_unit)
    assert "add-point" in client.get("/supervision/windows/").text
    client.post(
        "/supervision/windows/new/",
        {"institution": guanxian_unit.institution_id, "name": "发热门诊", "is_active": "on"},
    )
    assert ServicePoint.objects.filter(name="发热门诊").exists()
    refused = client.post(
        "/supervision/windows/new/",
        {"institution": shenxian_institution.pk, "name": "别人的窗口", "is_active": "on"},
    )
    assert (
        refused.status_code == 200 and not ServicePoint.objects.filter(name="别人的窗口").exists()
    )


def test_only_the_city_admin_sets_deadlines(login, city_admin, guanxian_bureau, categories, client):
    category = Category.objects.first()
    assert login(guanxian_bureau).get("/supervision/deadlines/").status_code == 403
    client.logout()
    admin = login(city_admin)
    admin.post(f"/supervision/deadlines/{category.pk}/", {"working_days": "3"})
    assert AspectDeadline.objects.get(category=category).working_days == 3
    admin.post(f"/supervision/deadlines/{category.pk}/", {"working_days": "0"})
    assert AspectDeadline.objects.get(category=category).working_days == 3
