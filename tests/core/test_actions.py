"""The two ways a view runs an action (core.actions.submit and press), and the rule that a
view reads request.POST only to bind a form."""

import ast
import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

import jiebang
from jiebang.core.actions import press, submit
from jiebang.core.errors import DomainError
from jiebang.core.forms import ReasonForm

# -- Views read request.POST only to bind a form ---------------------------------------------

SRC = Path(jiebang.__file__).parent
# A form class (ClaimForm, CriterionFormSet) or a view's `form_class` parameter.
FORM_CONSTRUCTOR = re.compile(r"^([A-Z]\w*(Form|FormSet)|form_class)$")


def view_modules() -> list[Path]:
    paths = {*SRC.rglob("views.py"), *SRC.rglob("*_views.py"), *SRC.rglob("views/*.py")}
    return sorted(p for p in paths if "migrations" not in p.parts)


def _is_post(node) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "POST"
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    )


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def post_reads(source: str) -> list[int]:
    """Lines where `source` reads request.POST other than as the data of a form constructor:
    `SomeForm(request.POST, …)`, `SomeForm(request.POST or None, …)` or `data=` either."""
    tree = ast.parse(source)
    allowed = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or not FORM_CONSTRUCTOR.match(_callee(call)):
            continue
        data = [*call.args[:1], *(k.value for k in call.keywords if k.arg == "data")]
        for arg in data:
            if isinstance(arg, ast.BoolOp) and isinstance(arg.op, ast.Or):
                arg = arg.values[0]
            if _is_post(arg):
                allowed.add(id(arg))
    return sorted(n.lineno for n in ast.walk(tree) if _is_post(n) and id(n) not in allowed)


def test_the_check_finds_direct_reads():
    source = (
        "def v(request):\n"
        "    reason = request.POST.get('reason')\n"
        "    data = request.POST if request.method == 'POST' else None\n"
        "    helper(request.POST)\n"
        "    form = ClaimForm(request.POST, request.FILES)\n"
        "    rows = CriterionFormSet(request.POST or None, prefix='c')\n"
        "    other = form_class(data=request.POST)\n"
    )
    assert post_reads(source) == [2, 3, 4]


def test_views_read_request_post_only_to_bind_a_form():
    modules = view_modules()
    assert len(modules) >= 10  # the scan sees the views (a moved module would escape it)
    found = [
        f"{path.relative_to(SRC)}:{line}"
        for path in modules
        for line in post_reads(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "request.POST read outside a form: bind a form (core/actions.py)"


# -- submit and press ------------------------------------------------------------------------


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)


@pytest.fixture
def templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {
                            "page.html": "PAGE {{ title }} [{{ form.name.value|default:'' }}] "
                            "{{ form.name.errors|join:',' }}{{ form.non_field_errors|join:',' }}",
                            "rows.html": "ROWS {{ form.non_form_errors|join:',' }}",
                            "fragment.html": "FRAGMENT [{{ form.name.value|default:'' }}] "
                            "{{ form.non_field_errors|join:',' }}",
                        },
                    )
                ]
            },
        }
    ]


def _request(method="post", data=None, htmx=False, path="/things/"):
    factory = RequestFactory()
    headers = {"HX-Request": "true"} if htmx else {}
    request = getattr(factory, method)(path, data or {}, headers=headers)
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    request.htmx = HtmxDetails(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


class Recorder:
    """A service stand-in: records its calls, refuses when told to."""

    def __init__(self, refuse=None, result="done"):
        self.calls, self.refuse, self.result = [], refuse, result

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if self.refuse:
            raise DomainError(self.refuse)
        return self.result


def _submit(request, perform, **kwargs):
    options = {
        "message": "Saved.",
        "success": "/things/1/",
        "template": "page.html",
        "context": {"title": "T"},
        **kwargs,
    }
    return submit(request, NameForm(request.POST or None), perform, **options)


def test_submit_on_get_shows_the_page_and_runs_nothing(templates):
    perform = Recorder()
    response = _submit(_request("get"), perform)
    assert response.status_code == 200 and response.content.decode().startswith("PAGE T")
    assert perform.calls == []


def test_submit_form_error_shows_the_page_again_with_the_input(templates):
    request = _request(data={"name": "too long"})
    perform = Recorder()
    response = _submit(request, perform)
    body = response.content.decode()
    assert response.status_code == 200
    error = NameForm({"name": "too long"}).errors["name"][0]
    assert body == f"PAGE T [too long] {error}"
    assert perform.calls == [] and _messages(request) == []


def test_submit_domain_error_is_shown_on_the_form_with_the_input(templates):
    request = _request(data={"name": "abc"})
    perform = Recorder(refuse="Not now.")
    response = _submit(request, perform)
    assert response.status_code == 200
    assert response.content.decode() == "PAGE T [abc] Not now."
    assert perform.calls == [((), {"name": "abc"})]
    assert _messages(request) == []  # on the form, not flashed


def test_submit_success_flashes_and_redirects(templates):
    request = _request(data={"name": "abc"})
    response = _submit(
        request,
        Recorder(result=7),
        message=lambda result: f"Saved {result}.",
        success=lambda result: f"/things/{result}/",
    )
    assert response.status_code == 302 and response.url == "/things/7/"
    assert _messages(request) == [("success", "Saved 7.")]


def test_submit_success_follows_a_safe_next_only(templates):
    request = _request(data={"name": "abc", "next": "/queue/?page=2"})
    assert _submit(request, Recorder()).url == "/queue/?page=2"
    request = _request(data={"name": "abc", "next": "https://evil.example/"})
    assert _submit(request, Recorder()).url == "/things/1/"


def test_submit_under_htmx_answers_with_the_fragment_or_a_client_redirect(templates):
    request = _request(data={"name": "abc"}, htmx=True)
    response = _submit(request, Recorder(refuse="Not now."), fragment="fragment.html")
    assert response.status_code == 200
    assert response.content.decode() == "FRAGMENT [abc] Not now."

    request = _request(data={"name": "abc"}, htmx=True)
    response = _submit(request, Recorder(), fragment="fragment.html")
    assert response.status_code == 200 and response["HX-Redirect"] == "/things/1/"
    assert _messages(request) == [("success", "Saved.")]

    request = _request(data={"name": "abc"}, htmx=True)
    response = _submit(
        request, Recorder(result=3), htmx_success=lambda result: HttpResponse(f"ROW {result}")
    )
    assert response.status_code == 200 and response.content == b"ROW 3"


def test_submit_without_a_fragment_renders_the_page_under_htmx(templates):
    request = _request(data={"name": "too long"}, htmx=True)
    assert _submit(request, Recorder()).content.decode().startswith("PAGE T [too long]")


def test_submit_checks_the_forms_given_alongside(templates):
    class Rows(forms.Form):
        n = forms.IntegerField()

    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-n": "x"}
    rows = forms.formset_factory(Rows)(data=data)
    request = _request(data={"name": "abc"})
    perform = Recorder()
    response = _submit(request, perform, also={"rows": rows})
    assert response.status_code == 200 and perform.calls == []


def test_submit_a_formset_gets_its_rows_and_shows_the_refusal_above_them(templates):
    class Rows(forms.Form):
        n = forms.IntegerField()

    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-n": "4"}
    request = _request(data=data)
    perform = Recorder(refuse="Not these.")
    rows = forms.formset_factory(Rows)(request.POST)
    response = submit(
        request, rows, perform, message="Saved.", success="/things/", template="rows.html"
    )
    assert perform.calls == [(([{"n": 4}],), {})]
    assert response.status_code == 200 and response.content.decode() == "ROWS Not these."


def test_press_success_flashes_and_redirects():
    request = _request()
    perform = Recorder()
    response = press(request, perform, message="Done.", success="/things/1/")
    assert response.status_code == 302 and response.url == "/things/1/"
    assert perform.calls == [((), {})]
    assert _messages(request) == [("success", "Done.")]


def test_press_domain_error_flashes_and_goes_back():
    request = _request()
    response = press(
        request,
        Recorder(refuse="Not now."),
        message="Done.",
        success=lambda result: f"/things/{result}/",
        back="/things/",
    )
    assert response.status_code == 302 and response.url == "/things/"
    assert _messages(request) == [("error", "Not now.")]


def test_press_passes_the_reason_and_follows_a_safe_next():
    request = _request(data={"reason": " late ", "next": "/queue/"})
    perform = Recorder()
    response = press(
        request, perform, form=ReasonForm(request.POST), message="Done.", success="/things/1/"
    )
    assert perform.calls == [((), {"reason": "late"})]
    assert response.url == "/queue/"


def test_press_needs_a_way_back_when_success_depends_on_the_result():
    with pytest.raises(TypeError):
        press(_request(), Recorder(), message="Done.", success=lambda result: "/x/")


# -- Through a real view ---------------------------------------------------------------------


def test_a_refused_dimension_comes_back_with_its_input(client, city_admin):
    """The dimension form used to flash the error and lose the input (redirect)."""
    client.force_login(city_admin)
    taken = client.get("/projects/dimensions/").context["dimensions"][0].name
    response = client.post("/projects/dimensions/", {"name": taken})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() and form["name"].value() == taken
