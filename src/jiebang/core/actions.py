"""The two ways a view runs a service from a POST.

- `submit` for a form (or a form with formsets): a form error or the service's refusal
  (DomainError) shows the page again, status 200, with the input kept and the error on the form;
  success flashes the message and redirects (htmx: HX-Redirect, or the view's fragment).
- `press` for a plain button (nothing posted but maybe a reason or a note): the service's
  refusal is flashed and the user goes back; success flashes the message and redirects.

Both follow a `next` the page posts (a URL of this site only) on success, and `press` also goes
back there on a refusal. A view never reads request.POST but to bind a form
(tests/core/test_actions.py scans the views for it).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.forms.formsets import BaseFormSet
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

from .errors import DomainError

# A redirect target: a model instance (its get_absolute_url), a URL or a URL name.
Target = Any


class NextForm(forms.Form):
    """The page an action goes back to, when the page posts one (e.g. the queue, the ranking)."""

    next = forms.CharField(required=False, max_length=2000)


def next_url(request) -> str:
    """The `next` the request posted (or has in its query string: a form posted to its own
    page's URL), when it is a URL of this site; else ''."""
    for data in (request.POST, request.GET):
        form = NextForm(data)
        url = form.cleaned_data["next"] if form.is_valid() else ""
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return ""


def _value(value, result):
    """`value`, or what it returns for the service's result when it is a callable."""
    return value(result) if callable(value) else value


def _flash(request, message) -> None:
    if message:
        messages.success(request, message)


def _go(request, target, result, *, htmx=False) -> HttpResponse:
    """Redirect to `target` (a callable gets the result; an HttpResponse it returns is the
    answer as is). The posted `next`, when safe, wins."""
    target = next_url(request) or _value(target, result)
    if isinstance(target, HttpResponse):
        return target
    if htmx:
        return HttpResponseClientRedirect(resolve_url(target))
    return redirect(target)


def _add_error(form, message, field=None) -> None:
    if isinstance(form, BaseFormSet):
        form.non_form_errors().append(message)
    else:
        form.add_error(field, message)


def _perform(form, perform):
    if isinstance(form, BaseFormSet):
        return perform(form.cleaned_data)
    return perform(**form.cleaned_data)


def submit(
    request,
    form,
    perform: Callable[..., Any],
    *,
    message: str | Callable[[Any], str | None] | None,
    success: Target | Callable[[Any], Target | HttpResponse],
    template: str,
    context: Mapping | Callable[[], Mapping] | None = None,
    form_name: str = "form",
    also: Mapping | None = None,
    fragment: str | None = None,
    htmx_success: Callable[[Any], HttpResponse] | None = None,
    error_field: str | None = None,
) -> HttpResponse:
    """Run a form's action.

    `form` is bound to request.POST on a POST (unbound on a GET, which just shows the page).
    On a POST whose form (and every form or formset in `also`) is valid, `perform` runs with
    the form's cleaned data as keywords (a formset's: its list of rows, positionally) and
    returns the service's result. Then:

    - success: `message` is flashed (a callable gets the result; None flashes nothing) and
      the answer redirects to `success` (a model instance, URL or URL name; a callable gets the
      result and may return an HttpResponse instead). Under htmx the answer is
      `htmx_success(result)` when given (the updated fragment), else an HX-Redirect.
    - a form error or DomainError (shown as a non-field error, or on `error_field`): the page
      `template` is rendered again, status 200, with `context` (a dict, or a callable building
      it only then), the bound form as `form_name` and the forms of `also` under their names;
      under htmx only `fragment` (the part the form targets) when the view gives one.
    """
    also = dict(also or {})
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in also.values()):
        try:
            result = _perform(form, perform)
        except DomainError as e:
            _add_error(form, e.message, error_field)
        else:
            if request.htmx and htmx_success is not None:
                return htmx_success(result)
            _flash(request, _value(message, result))
            return _go(request, success, result, htmx=bool(request.htmx))
    page = {**(context() if callable(context) else context or {}), **also, form_name: form}
    return render(request, fragment if request.htmx and fragment else template, page)


def press(
    request,
    perform: Callable[..., Any],
    *,
    message: str | Callable[[Any], str | None] | None,
    success: Target | Callable[[Any], Target | HttpResponse],
    back: Target | None = None,
    form=None,
) -> HttpResponse:
    """Run a button's action: `perform` (given `form`'s cleaned data as keywords when the
    button posts a reason or a note through a form bound to request.POST).

    Success flashes `message` (a callable gets the result; None flashes nothing) and redirects
    to `success` (as in submit). The service's refusal (DomainError) or the form's first
    error is flashed as an error and the user goes back to `back` (default: `success`; needed
    when `success` is a callable). A safe posted `next` wins over both."""
    if back is None:
        if callable(success):
            raise TypeError("press() needs `back` when `success` is a callable")
        back = success
    if form is not None and not form.is_valid():
        error = next(iter(e for field_errors in form.errors.values() for e in field_errors))
        return _refused(request, error, back)
    try:
        result = perform(**(form.cleaned_data if form is not None else {}))
    except DomainError as e:
        return _refused(request, e.message, back)
    _flash(request, _value(message, result))
    return _go(request, success, result)


def _refused(request, error, back) -> HttpResponse:
    messages.error(request, error)
    return _go(request, back, None)
