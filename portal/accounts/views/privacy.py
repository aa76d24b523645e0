"""A person's privacy pages: the notice, consent, "download my data" and account deletion."""

from django.conf import settings as django_settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.core.form_views import refusal_flashed
from portal.core.formats import format_when
from portal.core.http import client_ip

from .. import privacy
from ..forms import AccountDeletionForm
from ..models import DataExport


def privacy_notice(request):
    notice = privacy.current_notice()
    text = notice.text_in((get_language() or "kk")[:2]) if notice else ""
    return render(request, "account/privacy_notice.html", {"notice": notice, "text": text})


def _safe_next(request, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@login_required
@require_http_methods(["GET", "POST"])
def privacy_consent(request):
    notice = privacy.current_notice()
    if notice is None or request.user.privacy_notice_version >= notice.version:
        # Nothing to accept (the memoised version was stale): back to where the person was going.
        privacy.forget_current_notice()
        return redirect(_safe_next(request, reverse("home")))
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        if version == notice.version and request.POST.get("accept") == "on":
            privacy.consent_accept(user=request.user, version=version)
            messages.success(request, _("Thank you. Your acceptance is recorded."))
            return redirect(_safe_next(request, reverse("home")))
        messages.error(request, _("Tick the box to accept the privacy notice, or log out."))
    text = notice.text_in((get_language() or "kk")[:2]) if notice else ""
    return render(
        request,
        "account/privacy_consent.html",
        {"notice": notice, "text": text, "next": _safe_next(request, "")},
    )


def _export_tokens(request) -> dict:
    return request.session.get("data_export_tokens", {})


@login_required
def privacy_settings(request):
    export = DataExport.objects.filter(user=request.user, session_key=request.session.session_key).first()
    return render(
        request,
        "account/privacy.html",
        {
            "export": export,
            "export_token": _export_tokens(request).get(str(export.pk)) if export else None,
            "deletion_form": AccountDeletionForm(),
            "grace_days": django_settings.ACCOUNT_DELETION_GRACE_DAYS,
        },
    )


@login_required
@require_http_methods(["POST"])
def data_export_request(request):
    if not request.session.session_key:
        request.session.save()
    with refusal_flashed(request):
        export, token = privacy.data_export_request(
            user=request.user, session_key=request.session.session_key, ip=client_ip(request)
        )
        # Only this session can use the link; the plain token lives in it and nowhere else.
        request.session["data_export_tokens"] = {str(export.pk): token}
        # Without a broker the archive is built before this line: the message must not contradict the page.
        export.refresh_from_db(fields=["status"])
        if export.status == export.Status.READY:
            messages.success(request, _("Your archive is ready: download it below."))
        else:
            messages.success(request, _("Your archive is being prepared. This page shows when it is ready."))
    return redirect("account_privacy")


@login_required
def data_export_status(request, pk):
    export = get_object_or_404(DataExport, pk=pk, user=request.user, session_key=request.session.session_key)
    return render(
        request,
        "account/includes/data_export_status.html",
        {"export": export, "export_token": _export_tokens(request).get(str(export.pk))},
    )


@login_required
@require_http_methods(["POST"])
def data_export_download(request, token):
    content = privacy.data_export_download(
        token=token, user=request.user, session_key=request.session.session_key or ""
    )
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="qatysu-my-data.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["POST"])
def account_delete(request):
    form = AccountDeletionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick “Yes, delete my account” to confirm."))
        return redirect("account_privacy")
    user = privacy.account_deletion_request(
        user=request.user, requested_by=request.user, withdraw_content=form.cleaned_data["withdraw_content"]
    )
    due = user.deletion_due_at
    logout(request)
    messages.info(
        request,
        _("Your account will be deleted on %(date)s. Log in before then to keep it.")
        % {"date": format_when(due, "date_long")},
    )
    return redirect("home")
