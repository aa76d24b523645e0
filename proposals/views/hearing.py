"""Public hearings: lists, the detail page, registration, cancellation, speaker requests, calendar files."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.form_views import refusal_flashed
from portal.core.forms import error_text
from portal.core.http import client_ip
from portal.core.page_cache import cache_anonymous_page
from proposals.permissions.hearing import can_manage_hearings, hearing_registration_refusal

from ..calendar import hearings_calendar
from ..forms import SpeakerRequestForm
from ..models import HearingStatus, Proposal, RegistrationStatus
from ..selectors import hearing as selectors
from ..services import hearing_agenda as agenda
from ..services import hearing_registration

PAGE_SIZE = 20


@cache_anonymous_page()
def hearing_list(request):
    past = request.GET.get("when") == "past"
    page = Paginator(selectors.hearing_list(past=past), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/hearings/hearing_list.html",
        {"page": page, "past": past, "query": "when=past" if past else ""},
    )


def hearing_detail(request, pk):
    hearing = selectors.hearing_detail(pk=pk, user=request.user)
    if hearing is None:
        raise Http404
    registration = selectors.registration_of(user=request.user, hearing=hearing)
    speakable = selectors.speakable_proposals(user=request.user, hearing=hearing)
    speaker_form = None
    # Asked for a hearing still to come; not one whose time is over (the secretariat may not have closed it).
    if (
        hearing.status in (HearingStatus.SCHEDULED, HearingStatus.POSTPONED)
        and not hearing.has_started
        and speakable
    ):
        speaker_form = SpeakerRequestForm(proposal_choices=[(p.pk, p.title) for p in speakable])
    context = {
        "hearing": hearing,
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration)
        if registration and registration.status == RegistrationStatus.WAITLISTED
        else None,
        "registration_refusal": hearing_registration_refusal(request.user, hearing),
        "status_reason": selectors.hearing_status_reason(hearing),
        "seats_left": max(hearing.capacity - hearing.seats_taken, 0),
        "show_stream": hearing.status == HearingStatus.LIVE and hearing.stream_url,
        "stream_src": hearing.stream_embed_url,
        "speaker_form": speaker_form,
        "my_speaker_requests": selectors.speaker_requests_of(user=request.user, hearing=hearing),
        "can_manage": can_manage_hearings(request.user),
    }
    return render(request, "proposals/hearings/hearing_detail.html", context)


@login_required
@require_POST
def hearing_register(request, pk):
    hearing = get_object_or_404(selectors.visible_hearings(request.user), pk=pk)
    try:
        registration = hearing_registration.hearing_register(
            user=request.user, hearing=hearing, ip=client_ip(request)
        )
    except PermissionDenied as error:
        messages.error(request, error_text(error))
    else:
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                request,
                _("You are registered. Your registration code is %(code)s; we also sent it by email.")
                % {"code": registration.code},
            )
        else:
            messages.info(request, _("All seats are taken: you are on the waiting list."))
    return redirect(hearing)


@login_required
@require_POST
def hearing_unregister(request, pk):
    hearing = get_object_or_404(selectors.visible_hearings(request.user), pk=pk)
    registration = selectors.registration_of(user=request.user, hearing=hearing)
    if registration is None:
        messages.error(request, _("You are not registered for this hearing."))
        return redirect(hearing)
    with refusal_flashed(request):
        hearing_registration.hearing_registration_cancel(registration=registration, user=request.user)
        messages.success(request, _("Your registration is cancelled."))
    return redirect(hearing)


@require_http_methods(["GET", "POST"])
def hearing_cancel_link(request, token):
    """The signed link of the confirmation email: GET asks, POST cancels (no sign-in needed)."""
    registration = hearing_registration.registration_from_token(token)
    if registration is None:
        raise Http404
    if request.method == "POST":
        with refusal_flashed(request):
            hearing_registration.hearing_registration_cancel(registration=registration, by_signed_link=True)
            messages.success(request, _("Your registration is cancelled."))
        return redirect(registration.hearing)
    return render(
        request,
        "proposals/hearings/hearing_cancel.html",
        {"registration": registration, "hearing": registration.hearing},
    )


@login_required
@require_POST
def speaker_request(request, pk):
    hearing = get_object_or_404(selectors.visible_hearings(request.user), pk=pk)
    speakable = selectors.speakable_proposals(user=request.user, hearing=hearing)
    form = SpeakerRequestForm(request.POST, proposal_choices=[(p.pk, p.title) for p in speakable])
    if not form.is_valid():
        messages.error(request, _("Choose one of your published proposals."))
        return redirect(hearing)
    proposal = get_object_or_404(Proposal, pk=form.cleaned_data["proposal"])
    try:
        agenda.speaker_request_create(
            user=request.user, hearing=hearing, proposal=proposal, message=form.cleaned_data["message"]
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Your request to speak is sent to the Commission."))
    return redirect(hearing)


def _ics(hearings, filename: str) -> HttpResponse:
    response = HttpResponse(hearings_calendar(hearings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def hearing_ics(request, pk):
    hearing = get_object_or_404(selectors.hearing_all(), pk=pk)
    return _ics([hearing], f"hearing-{hearing.pk}.ics")


def hearings_ics(request):
    """Every hearing; `?language=kk|ru|en` (the link on each language's list names its own) sets the language
    of titles, places and links. A calendar app fetching a subscribed feed sends no cookie and often no
    Accept-Language, so without it every subscriber would read the default language."""
    language = request.GET.get("language", "")
    with translation.override(
        language if language in dict(settings.LANGUAGES) else translation.get_language()
    ):
        return _ics(selectors.hearing_all(), "hearings.ics")
