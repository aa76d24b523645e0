from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm

from ..models import IdentityLevel, IdentityVerification
from .iin import iin_canonical
from .services import identity_verification_record


class IinForm(PortalForm):
    iin = forms.CharField(
        label=_("Individual identification number (IIN)"),
        max_length=20,
        help_text=_("12 digits. It is never shown to anyone and is stored only as a one-way fingerprint."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_iin(self):
        return iin_canonical(self.cleaned_data["iin"])


class Backend:
    """What a backend declares unless it says otherwise: no form."""

    form_class = None


class IinBackend(Backend):
    """Checks the IIN's structure (birth date, century digit, check digit); one IIN, one account.

    Weak: anyone can generate numbers that pass. Kept for development and demos, off in production.
    """

    code = IdentityVerification.Method.IIN
    level = IdentityLevel.SELF_DECLARED
    label = _("With your IIN")
    form_class = IinForm

    def verify(self, *, user, cleaned_data) -> IdentityVerification:
        return identity_verification_record(
            user=user, method=self.code, identity=cleaned_data["iin"], verified_by=None
        )


class SignatureBackend(Backend):
    """A one-time challenge signed with the person's NCA authentication key through NCALayer."""

    code = IdentityVerification.Method.SIGNATURE
    level = IdentityLevel.SIGNATURE
    label = _("With your digital signature (NCALayer)")

    def is_configured(self) -> bool:
        return bool(settings.IDENTITY_EDS_TRUST_STORE and settings.IDENTITY_EDS_OCSP_URL)


class NationalSignInBackend(Backend):
    """The OpenID Connect provider the operator configured; its IIN claim verifies the account."""

    code = IdentityVerification.Method.NATIONAL_SIGN_IN
    level = IdentityLevel.NATIONAL_SIGN_IN
    label = _("With national sign-in")

    def is_configured(self) -> bool:
        return bool(settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])


class StaffBackend(Backend):
    """An administrator has checked the person's documents outside the portal."""

    code = IdentityVerification.Method.STAFF
    level = IdentityLevel.STAFF
    label = _("Checked by staff")

    def verify(self, *, user, cleaned_data) -> IdentityVerification:
        return identity_verification_record(
            user=user,
            method=self.code,
            identity=None,
            verified_by=cleaned_data["verified_by"],
            note=cleaned_data.get("note", ""),
        )
