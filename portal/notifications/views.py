from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.core.forms import IdsForm, PortalForm
from portal.core.roles import Role, held_roles

from . import services
from .messages import link_in, render_message
from .models import Category, Frequency, Notification


@login_required
def centre(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), 30).get_page(
        request.GET.get("page")
    )
    language = get_language()
    items = [
        {"notification": n, "text": render_message(n.kind, n.params), "url": link_in(n.url, language)}
        for n in page.object_list
    ]
    # "Mark all as read" covers what there was when the page was shown, not what came since, unseen.
    newest = Notification.objects.filter(recipient=request.user).order_by("-pk").values_list("pk", flat=True)
    return render(
        request, "notifications/centre.html", {"page": page, "items": items, "up_to": newest.first()}
    )


@login_required
@require_GET
def open_notification(request, pk):
    """Goes to the notification's page and marks it read: following it from the centre is reading it."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    url = link_in(notification.url, get_language())
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("notifications_centre")
    return redirect(url)


class MarkReadForm(IdsForm):
    up_to = forms.IntegerField(required=False, min_value=0)


@login_required
@require_POST
def mark_read(request):
    form = MarkReadForm(request.POST)
    if not form.is_valid():
        return redirect("notifications_centre")
    services.notification_mark_read(
        user=request.user, notification_ids=form.cleaned_data["id"] or None, up_to=form.cleaned_data["up_to"]
    )
    return redirect("notifications_centre")


def _categories_for(user) -> list[tuple[str, str]]:
    """The categories a person can receive: the Commission's work only to those who hold a role that does
    it (held, whether or not this session passed its second factor), not a line every citizen reads."""
    commission = bool(held_roles(user) & {Role.COMMISSION, Role.ADMIN})
    return [
        (value, label) for value, label in Category.choices if commission or value != Category.COMMISSION_WORK
    ]


class PreferencesForm(PortalForm):
    def __init__(self, *args, current: dict, categories: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in categories or Category.choices:
            self.fields[value] = forms.ChoiceField(
                label=label, choices=Frequency.choices, initial=current[value]
            )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    form = PreferencesForm(
        request.POST or None,
        current=services.preferences_of(request.user),
        categories=_categories_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        for category, frequency in form.cleaned_data.items():
            services.preference_set(user=request.user, category=category, frequency=frequency)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications_preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: mail clients POST without a session or a CSRF token; the signed token is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    decoded = services.unsubscribe_read(token)
    if decoded is None:
        if request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click":
            raise Http404(gettext_lazy("This unsubscribe link is not valid."))
        # A person, not a mail client: an old email's link (the address changed) or one cut short by a mail
        # program ended on "Page not found", with no way left to stop the emails.
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    user_id, category = decoded
    # Named on both pages: the person came from one link of several in an email and confirms what it stops.
    category = Category(category) if category else None
    if request.method == "POST":
        services.unsubscribe_apply(user_id=user_id, category=category)
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "notifications/unsubscribed.html", {"category": category})
    return render(request, "notifications/unsubscribe_confirm.html", {"category": category, "token": token})
