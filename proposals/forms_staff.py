"""Forms of the staff pages that run a consultation's life and its hearings, and of the lists the
secretariat keeps (answer templates, obligations, responsible bodies, topics). They validate shape; services
check the rules and write."""

import dataclasses

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import IdentityLevel
from portal.core.forms import PortalForm, PortalModelForm, RevisionMarked, textarea_field
from portal.core.widgets import DateTimePartsInput

from .models import (
    Consultation,
    Hearing,
    HearingStatus,
    Phase,
    ResponseStatus,
)
from .models.consultation import default_accepted_levels
from .models.translated import LANGUAGE_ORDER
from .selectors.consultation import consultation_revision
from .selectors.hearing import consultations_taking_hearings
from .services.consultation import ConsultationInput, PhaseDates
from .services.hearing import (
    HEARING_FIELDS,
    RECORD_FIELDS,
    HearingInput,
    hearing_record_revision,
    hearing_revision,
)
from .services.hearing_agenda import AGENDA_ITEM_FIELDS, AgendaItemInput
from .services.obligation import MAX_DAYS, ObligationInput
from .services.response_template import ResponseTemplateInput
from .services.responsible_body import ResponsibleBodyInput
from .services.topic import TopicInput


def texts_by_language(data: dict, prefix: str) -> dict[str, str]:
    """One text per language from a form's `<prefix>_kk`, `<prefix>_ru` and `<prefix>_en` fields, keyed by
    language as the services take translated texts."""
    return {code: data[f"{prefix}_{code}"] for code in LANGUAGE_ORDER}


def _local_datetime_widget():
    return DateTimePartsInput()


def _local_datetime(label):
    return forms.DateTimeField(
        label=label, required=False, widget=_local_datetime_widget(), help_text=_("Almaty time.")
    )


def _address_field(max_length, **kwargs):
    """The part of a link that names an object; Django's own error speaks of a "slug"."""
    return forms.SlugField(
        label=_("Address (Latin letters, digits and hyphens)"),
        max_length=max_length,
        error_messages={
            "invalid": _("Use only Latin letters, digits and hyphens, e.g. local-councils-2027.")
        },
        **kwargs,
    )


def accepted_levels_field():
    """Which verification levels may support: the staff consultation form's and the admin's one field."""
    return forms.MultipleChoiceField(
        label=_("Identity levels that may support"),
        choices=IdentityLevel.choices,
        initial=default_accepted_levels,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Supports count only from people verified at these levels; answer deadlines use those counts. "
            "Signature and national sign-in are strong; a self-declared IIN can be made up by a script."
        ),
    )


class ConsultationForm(PortalForm):
    slug = _address_field(80, help_text=_("Appears in links: /consultations/…/"))
    title_kk = forms.CharField(label=_("title (Kazakh)"), max_length=200)
    title_ru = forms.CharField(label=_("title (Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=200, required=False)
    description_kk = textarea_field(_("description (Kazakh)"), rows=4, lang="kk", required=False)
    description_ru = textarea_field(_("description (Russian)"), rows=4, lang="ru", required=False)
    description_en = textarea_field(_("description (English)"), rows=4, lang="en", required=False)
    moderation_policy = forms.ChoiceField(label=_("moderation policy"), required=False)
    accepted_identity_levels = accepted_levels_field()
    intake_starts = _local_datetime(_("Proposal intake: starts"))
    intake_ends = _local_datetime(_("Proposal intake: ends"))
    hearings_starts = _local_datetime(_("Public hearings: start"))
    hearings_ends = _local_datetime(_("Public hearings: end"))
    review_starts = _local_datetime(_("Commission review: starts"))
    review_ends = _local_datetime(_("Commission review: ends"))
    outcome_starts = _local_datetime(_("Outcome: published from"))
    outcome_ends = _local_datetime(_("Outcome: shown until"))
    answer_days = forms.IntegerField(
        label=_("Every proposal is answered within (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        required=False,
        help_text=_("Leave empty for no answer deadline."),
    )
    answer_min_supports = forms.IntegerField(
        label=_("…once it has at least this many supports"), min_value=0, required=False, initial=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's label for the default names the environment variable; staff need the policy it holds.
        policies = Consultation.ModerationPolicy
        site_default = dict(policies.choices).get(settings.PORTAL_MODERATION_POLICY, "")
        self.fields["moderation_policy"].choices = [
            (policies.DEFAULT, _("Site default: %(policy)s") % {"policy": site_default}),
            *((policy.value, policy.label) for policy in policies if policy != policies.DEFAULT),
        ]

    def clean(self):
        data = super().clean()
        for kind in Phase.Kind.values:
            starts, ends = data.get(f"{kind}_starts"), data.get(f"{kind}_ends")
            if bool(starts) != bool(ends):
                self.add_error(f"{kind}_ends", _("Give both dates of the phase, or neither."))
        return data

    def to_input(self) -> ConsultationInput:
        data = self.cleaned_data
        return ConsultationInput(
            slug=data["slug"],
            titles=texts_by_language(data, "title"),
            descriptions=texts_by_language(data, "description"),
            moderation_policy=data["moderation_policy"] or "",
            accepted_identity_levels=tuple(data["accepted_identity_levels"]),
            phases=tuple(
                PhaseDates(kind=kind, starts_at=data[f"{kind}_starts"], ends_at=data[f"{kind}_ends"])
                for kind in Phase.Kind.values
                if data.get(f"{kind}_starts") and data.get(f"{kind}_ends")
            ),
            answer_days=data.get("answer_days"),
            answer_min_supports=data.get("answer_min_supports") or 0,
        )


class ConsultationEditForm(RevisionMarked, ConsultationForm):
    """The settings of an existing consultation: its answer obligations have their own list on the page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["answer_days"], self.fields["answer_min_supports"]

    revision_of = staticmethod(consultation_revision)

    @classmethod
    def values_for(cls, consultation: Consultation) -> dict:
        initial = {
            name: getattr(consultation, name)
            for name in cls.base_fields
            if hasattr(consultation, name) and not name.startswith("answer_")
        }
        for phase in consultation.phases.all():
            initial[f"{phase.kind}_starts"] = phase.starts_at
            initial[f"{phase.kind}_ends"] = phase.ends_at
        return initial


class DocumentCreateForm(PortalForm):
    slug = _address_field(80)
    title_kk = forms.CharField(label=_("title (Kazakh)"), max_length=200)
    title_ru = forms.CharField(label=_("title (Russian)"), max_length=200, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=200, required=False)


class IntakeOpenForm(PortalForm):
    ends_at = _local_datetime(_("Intake ends"))


class ArchiveForm(PortalForm):
    confirm = forms.BooleanField(
        label=_("I understand: an archived consultation takes nothing new, and this cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the archiving.")},
    )


class OutcomePublishForm(PortalForm):
    # Checked by the service, whose refusal says why each language is asked for.
    summary_kk = textarea_field(_("Summary of the outcome (Kazakh)"), rows=5, lang="kk", required=False)
    summary_ru = textarea_field(_("Summary of the outcome (Russian)"), rows=5, lang="ru", required=False)
    summary_en = textarea_field(_("Summary of the outcome (English)"), rows=5, lang="en", required=False)
    despite_unanswered = forms.BooleanField(
        label=_("Publish the outcome although some published proposals have no public answer yet"),
        required=False,
    )
    despite_open_intake = forms.BooleanField(
        label=_("Publish the outcome now and stop taking proposals, although the intake is still open"),
        required=False,
    )

    def __init__(self, *args, intake_open: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Asked only while proposals are being taken: otherwise there is nothing to end.
        if not intake_open:
            del self.fields["despite_open_intake"]


# --- hearings -------------------------------------------------------------------------------------------


def _https_by_default(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class HearingForm(RevisionMarked, PortalModelForm):
    """Shape only: `hearing_save` checks the rules (stream hosts, times) and writes."""

    class Meta:
        formfield_callback = _https_by_default
        model = Hearing
        # One list of what staff edit, shared with `hearing_save`, which applies exactly these fields.
        fields = list(HEARING_FIELDS)
        widgets = {
            "starts_at": _local_datetime_widget(),
            "ends_at": _local_datetime_widget(),
            "registration_opens_at": _local_datetime_widget(),
            "registration_closes_at": _local_datetime_widget(),
            "description_kk": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("Almaty time."),
            "stream_url": _("An embeddable https:// link, e.g. https://www.youtube.com/embed/…"),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            # Beside the field and in words (as `hearing_save` says it): otherwise the model's check
            # constraint answers first, at the top of the form and with its bare name.
            self.add_error("ends_at", _("The hearing must end after it starts."))
        return cleaned

    revision_of = staticmethod(hearing_revision)

    def to_input(self) -> HearingInput:
        return HearingInput(**{name: self.cleaned_data[name] for name in HEARING_FIELDS})


class HearingCreateForm(HearingForm):
    """A new hearing names its consultation; an existing one keeps it, since its agenda holds that
    consultation's proposals and articles."""

    consultation = forms.ModelChoiceField(
        label=_("consultation"),
        queryset=consultations_taking_hearings(),
        to_field_name="slug",
        empty_label=_("— choose —"),
        error_messages={"required": _("Choose the consultation the hearing is about.")},
    )
    field_order = ["consultation"]


class AgendaItemForm(PortalForm):
    title_kk = forms.CharField(label=_("title (Kazakh)"), max_length=300, required=False)
    title_ru = forms.CharField(label=_("title (Russian)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=300, required=False)
    starts_at = forms.DateTimeField(label=_("from"), required=False, widget=_local_datetime_widget())
    ends_at = forms.DateTimeField(label=_("until"), required=False, widget=_local_datetime_widget())
    speakers_kk = forms.CharField(label=_("speakers (Kazakh)"), max_length=500, required=False)
    speakers_ru = forms.CharField(label=_("speakers (Russian)"), max_length=500, required=False)
    speakers_en = forms.CharField(label=_("speakers (English)"), max_length=500, required=False)
    position = forms.IntegerField(label=_("position"), min_value=0, required=False)
    proposals = forms.TypedMultipleChoiceField(label=_("proposals"), coerce=int, required=False, choices=())
    articles = forms.TypedMultipleChoiceField(label=_("articles"), coerce=int, required=False, choices=())

    def __init__(self, *args, proposal_choices=(), article_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = list(proposal_choices)
        self.fields["articles"].choices = list(article_choices)

    def to_input(self) -> AgendaItemInput:
        data = self.cleaned_data
        return AgendaItemInput(
            **{name: data[name] for name in AGENDA_ITEM_FIELDS},
            proposal_ids=tuple(data["proposals"]),
            article_ids=tuple(data["articles"]),
        )


class HearingTransitionForm(PortalForm):
    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=(),
        error_messages={"invalid_choice": _("This change of status is not possible.")},
    )
    reason = forms.CharField(
        label=_("Reason, shown on the hearing's page and told to everyone registered"),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing is chosen for the clerk, and cancelling (which tells everyone registered) comes last.
        ordered = sorted(targets, key=lambda status: (status == HearingStatus.CANCELLED, status))
        self.fields["to_status"].choices = [
            ("", _("— choose —")),
            *[(status, HearingStatus(status).label) for status in ordered],
        ]


class HearingOutcomeForm(RevisionMarked, PortalForm):
    minutes_kk = textarea_field(
        _("minutes (Kazakh)"),
        rows=10,
        required=False,
        help_text=_("Markdown: paragraphs, lists, emphasis, links."),
    )
    minutes_ru = textarea_field(_("minutes (Russian)"), rows=10, required=False)
    minutes_en = textarea_field(_("minutes (English)"), rows=10, required=False)
    recording_url = forms.URLField(label=_("recording"), required=False, assume_scheme="https")
    transcript_url = forms.URLField(label=_("transcript"), required=False, assume_scheme="https")
    documents = textarea_field(
        _("Documents"), rows=4, required=False, help_text=_("One per line: title | https://link")
    )

    def clean_documents(self):
        rows = []
        for line in self.cleaned_data["documents"].splitlines():
            if not line.strip():
                continue
            title, separator, url = line.rpartition("|")
            title, url = title.strip(), url.strip()
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Each line needs a title, “|” and an http(s) link: %(line)s") % {"line": line}
                ) from None
            if not separator or not title:
                raise forms.ValidationError(
                    _("Each line needs a title, “|” and an http(s) link: %(line)s") % {"line": line}
                )
            rows.append((title, url))
        return rows

    revision_of = staticmethod(hearing_record_revision)

    @classmethod
    def values_for(cls, hearing: Hearing) -> dict:
        return {
            **{name: getattr(hearing, name) for name in RECORD_FIELDS},
            "documents": "\n".join(f"{d.title} | {d.url}" for d in hearing.documents.all()),
        }

    def record(self) -> dict:
        """What the record's service takes."""
        return {name: self.cleaned_data[name] for name in (*RECORD_FIELDS, "documents")}


class SpeakerDecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    note = forms.CharField(label=_("Note to the speaker"), required=False, max_length=1000)


def _consultation_choice():
    return forms.ModelChoiceField(
        label=_("consultation"),
        queryset=Consultation.objects.order_by("-created_at", "id"),
        required=False,
        empty_label=_("Every consultation"),
    )


class StaffListForm(RevisionMarked, PortalForm):
    """An item of a list the secretariat keeps (services/staff_list.py). Its service's input, `input_class`,
    is built from the fields of the same names, and each text written per language (`name_kk`, `name_ru`,
    `name_en`) goes keyed by language under the input's name for it (`translated`: "names" from "name")."""

    input_class: type
    translated = {"names": "name"}

    def to_input(self):
        data = self.cleaned_data
        return self.input_class(
            **{
                field.name: texts_by_language(data, self.translated[field.name])
                if field.name in self.translated
                else data[field.name]
                for field in dataclasses.fields(self.input_class)
            }
        )


class ResponseTemplateForm(StaffListForm):
    consultation = _consultation_choice()
    # The name and the texts are checked by the service, whose refusals say why all three languages are
    # needed; a form field's own "This field is required" said nothing of it.
    name = forms.CharField(label=_("name"), max_length=120, required=False)
    status = forms.ChoiceField(
        label=_("usual outcome"),
        required=False,
        choices=[("", _("— none —")), *ResponseStatus.choices],
        help_text=_("Chosen for the answer when the Commission member has not chosen one."),
    )
    text_kk = textarea_field(
        _("text (Kazakh)"),
        rows=5,
        lang="kk",
        max_length=10000,
        required=False,
        help_text=_(
            "Write what the member must fill in between double square brackets, e.g. [[article number]]: an "
            "answer that still holds one is neither sent for approval nor published."
        ),
    )
    text_ru = textarea_field(_("text (Russian)"), rows=5, lang="ru", max_length=10000, required=False)
    text_en = textarea_field(_("text (English)"), rows=5, lang="en", max_length=10000, required=False)
    is_active = forms.BooleanField(label=_("offered to Commission members"), required=False, initial=True)

    input_class = ResponseTemplateInput
    translated = {"texts": "text"}


class ObligationForm(StaffListForm):
    consultation = _consultation_choice()
    name_kk = forms.CharField(
        label=_("name (Kazakh)"),
        max_length=200,
        help_text=_("Shown to the public, e.g. “Answered within 30 days”."),
    )
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    days = forms.IntegerField(label=_("answered within (days)"), min_value=1, max_value=MAX_DAYS)
    min_supports = forms.IntegerField(label=_("at least this many supports"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("active"), required=False, initial=True)

    input_class = ObligationInput


class ResponsibleBodyForm(StaffListForm):
    slug = _address_field(80)
    name_kk = forms.CharField(label=_("name (Kazakh)"), max_length=200)
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200)

    input_class = ResponsibleBodyInput


class TopicForm(StaffListForm):
    slug = _address_field(60)
    name_kk = forms.CharField(label=_("name (Kazakh)"), max_length=120)
    name_ru = forms.CharField(label=_("name (Russian)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)
    position = forms.IntegerField(label=_("position"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("offered to authors"), required=False, initial=True)

    input_class = TopicInput
