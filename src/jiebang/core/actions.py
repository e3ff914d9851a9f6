"""The one way a view runs a service from a POST and goes back."""

from django.contrib import messages
from django.shortcuts import redirect

from .errors import DomainError


def act(request, target, perform, message, form=None):
    """Run `perform` (with the form's cleaned data when a form is given). The service's refusal
    (DomainError) or the form's first error becomes an error message, success `message`; then
    redirect to `target` (a model instance, a URL or a URL name)."""
    if form is not None and not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, errors[0])
        return redirect(target)
    try:
        perform(**(form.cleaned_data if form is not None else {}))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, message)
    return redirect(target)
