import re

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm, textarea_field
from portal.core.widgets import LanguageSelect

from .models import Organisation, OrganisationMembership, User
from .privacy import consent_accept, current_notice
from .services import user_update_profile, validate_public_name


class SignupDetailsForm(PortalForm):
    """Extra sign-up fields, merged by allauth into its sign-up form."""

    display_name = forms.CharField(
        label=_("Public name"),
        max_length=60,
        help_text=_("Shown next to what you publish. Not your email address."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of emails"), choices=User.Language.choices, widget=LanguageSelect
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read and accept the privacy notice"),
        # The notice is one click away from the box that accepts it (Django renders help text unescaped).
        help_text=format_lazy(
            '{} <a href="{}">{}</a>',
            _("It says what the portal keeps about you, why, for how long and who sees it."),
            reverse_lazy("privacy_notice"),
            _("Privacy notice"),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = (get_language() or "kk")[:2]
        if language in User.Language.values:
            self.fields["preferred_language"].initial = language

    def clean_display_name(self):
        value = " ".join(self.cleaned_data["display_name"].split())
        try:
            validate_public_name(value)
        except ValidationError as error:
            raise ValidationError(error.message_dict["display_name"]) from error
        return value

    def signup(self, request, user):
        user_update_profile(
            user=user,
            display_name=self.cleaned_data["display_name"],
            preferred_language=self.cleaned_data["preferred_language"],
        )
        notice = current_notice()
        if notice is not None:
            consent_accept(user=user, version=notice.version)


class ProfileForm(PortalForm):
    display_name = SignupDetailsForm.base_fields["display_name"]
    preferred_language = SignupDetailsForm.base_fields["preferred_language"]
    clean_display_name = SignupDetailsForm.clean_display_name


KINDS_WITH_BUSINESS_NUMBER = (Organisation.Kind.POLITICAL_PARTY, Organisation.Kind.NGO)


class OrganisationRegisterForm(PortalForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organisation.Kind.choices)
    description = textarea_field(_("Description"), rows=4, required=False, max_length=2000)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    business_number = forms.CharField(
        label=_("BIN"),
        required=False,
        max_length=20,
        help_text=_(
            "12 digits, as in the state register: needed for a party or an NGO; staff check it there."
        ),
    )

    def clean(self):
        data = super().clean()
        # Parties and NGOs are legal entities: their number in the state register is what staff verify.
        if data.get("kind") in KINDS_WITH_BUSINESS_NUMBER and not data.get("business_number", "").strip():
            self.add_error("business_number", _("A party or an NGO gives its BIN, as in the state register."))
        return data


class OrganisationEditForm(PortalForm):
    name = OrganisationRegisterForm.base_fields["name"]
    description = OrganisationRegisterForm.base_fields["description"]
    website = OrganisationRegisterForm.base_fields["website"]
    business_number = OrganisationRegisterForm.base_fields["business_number"]


class MembershipForm(PortalForm):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganisationMembership.Role.choices,
        initial=OrganisationMembership.Role.MEMBER,
        help_text=_("Representatives manage the organisation's members."),
    )
    can_act_on_behalf = forms.BooleanField(
        label=_("May submit on behalf of the organisation"),
        required=False,
        help_text=_("Once the organisation is verified, proposals they submit for it carry its name."),
    )


class InvitationForm(PortalForm):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("Only the person who has confirmed this address on the portal can accept."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = MembershipForm.base_fields["role"]
    can_act_on_behalf = MembershipForm.base_fields["can_act_on_behalf"]


class ApiTokenForm(PortalForm):
    name = forms.CharField(
        label=_("Token name"), max_length=80, help_text=_("What will use it, e.g. “open-data dashboard”.")
    )


# Twelve digits, as people write an IIN: in one run or in groups.
_TWELVE_DIGIT_NUMBER = re.compile(r"(?<!\d)(?:\d[\s-]?){11}\d(?!\d)")


class StaffIdentityForm(PortalForm):
    email = forms.EmailField(label=_("Email address of the account"))
    note = forms.CharField(
        label=_("What was checked"), max_length=200, help_text=_("E.g. “ID card seen at the reception”.")
    )

    def clean_note(self):
        # The note is kept as written and shown to staff: an IIN copied from the document would be the one
        # place the portal stores an IIN in clear.
        note = self.cleaned_data["note"]
        if _TWELVE_DIGIT_NUMBER.search(note):
            raise ValidationError(
                _(
                    "Do not write the IIN in the note: say what was checked, "
                    "e.g. “ID card seen at the reception”."
                ),
                code="iin_in_note",
            )
        return note


class AccountDeletionForm(PortalForm):
    withdraw_content = forms.BooleanField(
        label=_("Also withdraw my proposals and comments"),
        required=False,
        help_text=_(
            "Possible only while proposal intake is open. Otherwise what you published stays, "
            "shown as by a former participant. Proposals you submitted on an organisation's behalf stay "
            "the organisation's."
        ),
    )
    confirm = forms.BooleanField(label=_("Yes, delete my account"))


class RevealReasonForm(PortalForm):
    reason = textarea_field(
        _("Why do you need these details?"),
        rows=2,
        min_length=10,
        max_length=300,
        help_text=_("At least 10 characters. The reason is recorded in the audit log with your name."),
    )
