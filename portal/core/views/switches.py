"""Staff: the surge switches and their banner, set by administrators (under /staff/, behind the second
factor)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.core import switches as services
from portal.core.forms import PortalForm, posted_data
from portal.core.models import SiteSwitches
from portal.core.roles import is_admin, role_required


class SwitchesForm(PortalForm):
    submissions_paused = forms.BooleanField(label=gettext_lazy("pause new submissions"), required=False)
    supports_paused = forms.BooleanField(label=gettext_lazy("pause supports"), required=False)
    comments_paused = forms.BooleanField(label=gettext_lazy("pause comments"), required=False)
    search_paused = forms.BooleanField(label=gettext_lazy("pause full-text search"), required=False)
    banner_kk = forms.CharField(label=gettext_lazy("banner (Kazakh)"), max_length=300, required=False)
    banner_ru = forms.CharField(label=gettext_lazy("banner (Russian)"), max_length=300, required=False)
    banner_en = forms.CharField(label=gettext_lazy("banner (English)"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        paused = any(data.get(name) for name in services.SWITCH_NAMES)
        if paused and not data.get("banner_kk"):
            self.add_error("banner_kk", _("Say in the banner why something is paused, at least in Kazakh."))
        return data

    def to_input(self) -> services.SwitchesInput:
        data = self.cleaned_data
        return services.SwitchesInput(
            **{name: data[name] for name in services.SWITCH_NAMES},
            banners={code: data[f"banner_{code}"] for code in ("kk", "ru", "en")},
        )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(is_admin)
def site_switches(request):
    current = SiteSwitches.objects.filter(pk=1).first() or SiteSwitches(pk=1)
    initial = {name: getattr(current, name) for name in services.SWITCH_NAMES}
    initial.update({f"banner_{code}": getattr(current, f"banner_{code}") for code in ("kk", "ru", "en")})
    form = SwitchesForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        services.site_switches_update(actor=request.user, data=form.to_input())
        messages.success(request, _("The site switches are saved; every page follows within seconds."))
        return redirect("staff_site_switches")
    return render(request, "staff/switches.html", {"form": form}, status=400 if form.is_bound else 200)
