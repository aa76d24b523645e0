"""The two ways a page hands what a person sent to a service, written once so that every page answers alike:
a form page shows the form again with the service's refusal beside its fields; a POST-only action flashes
the outcome and redirects."""

from collections.abc import Callable
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .forms import add_service_errors, error_text


def service_form_page(
    request,
    form,
    *,
    save: Callable,
    success: str | Callable[[object], str],
    next_url: Callable,
    template: str,
    context: dict | Callable[[], dict] | None = None,
    form_name: str = "form",
    invalid_status: int = 400,
):
    """Shows `form` (as `form_name`, beside `context`, which may be a function so that a redirect does not
    build it); on a valid POST calls `save(form)` (a service), flashes `success` (or `success(saved)`, when
    what happened decides the words) and redirects to `next_url(saved)`. A refusal of the service lands on
    the form, and the page answers `invalid_status` when what was sent is shown again."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success(saved) if callable(success) else success)
            return redirect(next_url(saved))
    shown = context() if callable(context) else context
    return render(
        request, template, {**(shown or {}), form_name: form}, status=invalid_status if form.is_bound else 200
    )


@contextmanager
def refusal_flashed(request, *refusals: type[Exception]):
    """For a POST-only action: the block calls a service and flashes its success. A refusal of the service
    (a ValidationError, or the exception types named) ends the block and is flashed instead."""
    caught = refusals or (ValidationError,)
    try:
        yield
    except caught as error:
        messages.error(request, error_text(error))
