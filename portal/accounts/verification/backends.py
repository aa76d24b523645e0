from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import IdentityVerification
from .iin import iin_is_valid
from .services import identity_verification_record


class IinForm(forms.Form):
    iin = forms.CharField(
        label=_("Individual identification number (IIN)"),
        max_length=20,
        help_text=_("12 digits. It is never shown to anyone and is stored only as a one-way fingerprint."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_iin(self):
        value = "".join(self.cleaned_data["iin"].split())
        if not (len(value) == 12 and value.isdigit()):
            raise ValidationError(_("An IIN has exactly 12 digits."))
        if not iin_is_valid(value):
            raise ValidationError(_("This is not a valid IIN: check the digits."))
        return value


class IinBackend:
    """Checks the IIN's structure (birth date, century digit, check digit); one IIN, one account."""

    code = IdentityVerification.Method.IIN
    label = _("With your IIN")
    form_class = IinForm
    self_service = True

    def verify(self, *, user, cleaned_data) -> IdentityVerification:
        return identity_verification_record(
            user=user, method=self.code, identity=cleaned_data["iin"], verified_by=None
        )


class StaffBackend:
    """An administrator has checked the person's documents outside the portal."""

    code = IdentityVerification.Method.STAFF
    label = _("Checked by staff")
    form_class = None
    self_service = False

    def verify(self, *, user, cleaned_data) -> IdentityVerification:
        return identity_verification_record(
            user=user,
            method=self.code,
            identity=None,
            verified_by=cleaned_data["verified_by"],
            note=cleaned_data.get("note", ""),
        )
