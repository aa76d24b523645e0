"""Forms of the participation pages. They validate shape; services validate rules and write."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Hearing, ModerationCase, ProposalStatus, Report, Topic
from .models.proposal import PUBLIC_STATUSES, Proposal
from .selectors.proposal import ORDERINGS, ProposalFilters

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150, help_text=_("At most 150 characters."))
    summary = forms.CharField(
        label=_("Summary"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences: what should change, and why."),
    )
    body = forms.CharField(
        label=_("Text of the proposal"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: blank lines between paragraphs, *emphasis*, **bold**, lists with “-”, links."),
    )
    language = forms.ChoiceField(
        label=_("Language of your text"),
        choices=LANGUAGE_CHOICES,
        help_text=_("Detected from the text; correct it if needed."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, empty_label=_("— none —")
    )
    articles = forms.TypedMultipleChoiceField(
        label=_("Articles of the draft it concerns"), required=False, coerce=int, choices=()
    )
    organisation = forms.TypedChoiceField(
        label=_("Submit as"), coerce=int, empty_value=None, required=False, choices=()
    )
    attachments = MultipleFileField(
        label=_("PDF attachments"), required=False, help_text=_("Up to 5 PDF files of at most 10 MB each.")
    )

    def __init__(self, *args, article_choices=(), organisation_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["articles"].choices = list(article_choices)
        self.fields["articles"].widget.attrs["size"] = 8
        self.fields["organisation"].choices = [("", _("Myself, as an individual")), *organisation_choices]
        self.fields["body"].max_length = None  # the service reports the configured limit with the length
        self.fields["body"].widget.attrs["maxlength"] = settings.PROPOSAL_BODY_MAX_LENGTH * 2


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Kind.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Details (optional, required for “Something else”)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- moderation ----------------------------------------------------------------------------------------

_REASON_CHOICES = [("", _("— for any decision but approval —")), *ModerationCase.ReasonCode.choices]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ModerationCase.Decision.choices, widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(label=_("Reason"), required=False, choices=_REASON_CHOICES)
    statement = forms.CharField(
        label=_("Statement of reasons, shown to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )
    merge_into = forms.IntegerField(
        label=_("Number of the proposal it duplicates (for a merge)"), required=False, min_value=1
    )

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["decision"].choices = [
                (value, label) for value, label in ModerationCase.Decision.choices if value in allowed
            ]


class BulkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision for the selected cases"),
        choices=[
            (v, label) for v, label in ModerationCase.Decision.choices if v != ModerationCase.Decision.MERGE
        ],
    )
    reason_code = forms.ChoiceField(label=_("Reason"), required=False, choices=_REASON_CHOICES)
    statement = forms.CharField(
        label=_("Statement of reasons, shown to each author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Cases"))

    def __init__(self, *args, case_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, pk) for pk in case_ids]


class AccountBlockForm(forms.Form):
    days = forms.IntegerField(label=_("Block for how many days"), min_value=1, max_value=365, initial=7)
    reason = forms.CharField(
        label=_("Reason, shown to the person"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    """The queue's query string; a bad value is shown as an error and ignored, never a 500."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        # Prefixes of the reason words screening and reports record (see proposals/screening/result.py).
        choices=[
            ("", _("Any reason")),
            ("personal_data", _("Personal data")),
            ("abuse", _("Abusive language")),
            ("spam", _("Spam")),
            ("near_duplicate", _("Possible duplicate")),
            ("burst", _("Burst of submissions")),
            ("report", _("Readers' reports")),
        ],
    )
    min_risk = forms.FloatField(label=_("Risk at least"), required=False, min_value=0, max_value=1)
    min_age = forms.IntegerField(
        label=_("Waiting at least (days)"), required=False, min_value=0, max_value=3650
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGE_CHOICES]
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Proposals and comments")), ("proposal", _("Proposals")), ("comment", _("Comments"))],
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *ModerationCase.Source.choices]
    )
    mine = forms.BooleanField(label=_("Claimed by me"), required=False)


class ProposalFilterForm(forms.Form):
    """The list's query string. Unknown values are errors shown to the reader, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            *[(s.value, s.label) for s in ProposalStatus if s in PUBLIC_STATUSES],
        ],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=())
    # Any article identity, not only the latest version's: old links keep working.
    article = forms.IntegerField(label=_("Article"), required=False, min_value=1, widget=forms.Select)
    submitter_type = forms.ChoiceField(
        label=_("Submitted by"),
        required=False,
        choices=[("", _("Anyone")), *Proposal.SubmitterType.choices],
    )
    has_response = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Answered")), ("no", _("Not answered yet"))],
    )
    ordering = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-created", _("Newest")),
            ("created", _("Oldest")),
            ("-supports", _("Most supported")),
            ("-comments", _("Most commented")),
            ("-responded", _("Recently answered")),
        ],
    )

    def __init__(self, *args, article_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [
            ("", _("Any topic")),
            *[(t.slug, str(t)) for t in Topic.objects.all()],
        ]
        self.fields["article"].widget.choices = [("", _("Any article")), *article_choices]

    def to_filters(self, **extra) -> ProposalFilters:
        data = self.cleaned_data
        has_response = {"yes": True, "no": False}.get(data.get("has_response") or "")
        ordering = data.get("ordering") or "-created"
        return ProposalFilters(
            q=data.get("q") or "",
            status=data.get("status") or None,
            topic=data.get("topic") or None,
            article=data.get("article"),
            submitter_type=data.get("submitter_type") or None,
            has_response=has_response,
            ordering=ordering if ordering in ORDERINGS else "-created",
            **extra,
        )


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why should the decision change?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
    )


# --- Hearings ---------------------------------------------------------------------------------------------


def _local_datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _https_by_default(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class HearingForm(forms.ModelForm):
    """Shape only: `hearing_save` checks the rules (stream hosts, times) and writes."""

    class Meta:
        formfield_callback = _https_by_default
        model = Hearing
        fields = [
            "title_kk",
            "title_ru",
            "title_en",
            "description_kk",
            "description_ru",
            "description_en",
            "starts_at",
            "ends_at",
            "format",
            "venue",
            "online_url",
            "stream_url",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
        ]
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


class AgendaItemForm(forms.Form):
    title_kk = forms.CharField(label=_("title (Kazakh)"), max_length=300, required=False)
    title_ru = forms.CharField(label=_("title (Russian)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("title (English)"), max_length=300, required=False)
    starts_at = forms.DateTimeField(label=_("from"), required=False, widget=_local_datetime_widget())
    ends_at = forms.DateTimeField(label=_("until"), required=False, widget=_local_datetime_widget())
    speakers = forms.CharField(label=_("speakers"), max_length=500, required=False)
    position = forms.IntegerField(label=_("position"), min_value=0, required=False)
    proposals = forms.TypedMultipleChoiceField(label=_("proposals"), coerce=int, required=False, choices=())
    articles = forms.TypedMultipleChoiceField(label=_("articles"), coerce=int, required=False, choices=())

    def __init__(self, *args, proposal_choices=(), article_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = list(proposal_choices)
        self.fields["articles"].choices = list(article_choices)


class HearingTransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(label=_("reason"), required=False, max_length=1000)

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .models import HearingStatus

        self.fields["to_status"].choices = [(s, HearingStatus(s).label) for s in sorted(targets)]


class HearingOutcomeForm(forms.Form):
    minutes = forms.CharField(
        label=_("minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: paragraphs, lists, emphasis, links."),
    )
    recording_url = forms.URLField(label=_("recording"), required=False, assume_scheme="https")
    transcript_url = forms.URLField(label=_("transcript"), required=False, assume_scheme="https")
    documents = forms.CharField(
        label=_("Documents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: title | https://link"),
    )

    def clean_documents(self):
        from django.core.validators import URLValidator

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


class SpeakerRequestForm(forms.Form):
    proposal = forms.TypedChoiceField(label=_("Your proposal"), coerce=int, choices=())
    message = forms.CharField(
        label=_("What you would like to present"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = list(proposal_choices)


class SpeakerDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    note = forms.CharField(label=_("Note to the speaker"), required=False, max_length=1000)


class CommissionQueueForm(forms.Form):
    """Filters of the Commission's work queue (validated values only reach the selector)."""

    article = forms.TypedChoiceField(label=_("Article"), required=False, coerce=int, empty_value=None)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    min_supports = forms.IntegerField(label=_("At least this many supports"), required=False, min_value=0)
    min_age_days = forms.IntegerField(
        label=_("Published at least this many days ago"), required=False, min_value=0
    )
    deadline = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))],
    )

    def __init__(self, *args, article_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [("", _("All articles")), *article_choices]
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *[(topic.slug, str(topic)) for topic in Topic.objects.filter(is_active=True)],
        ]


class ResponseForm(forms.Form):
    status = forms.ChoiceField(label=_("Outcome"), required=False)
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        required=False,
        queryset=None,
        help_text=_("Fills the reasoning in the languages you leave empty."),
    )
    reasoning_kk = forms.CharField(
        label=_("Reasoning in Kazakh"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "kk"}),
        max_length=10000,
    )
    reasoning_ru = forms.CharField(
        label=_("Reasoning in Russian"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "ru"}),
        max_length=10000,
    )
    reasoning_en = forms.CharField(
        label=_("Reasoning in English"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
        max_length=10000,
    )
    articles = forms.TypedMultipleChoiceField(
        label=_("Articles the answer concerns"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    version = forms.TypedChoiceField(
        label=_("Draft version where the change was made"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, consultation, **kwargs):
        from .models import ArticleIdentity, DocumentVersion, ResponseStatus, ResponseTemplate

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("— choose —")), *ResponseStatus.choices]
        self.fields["template"].queryset = ResponseTemplate.objects.filter(is_active=True)
        identities = ArticleIdentity.objects.filter(document__consultation=consultation).order_by(
            "document_id", "id"
        )
        self.fields["articles"].choices = [
            (identity.pk, f"{identity.number}. {identity.translated('heading')}") for identity in identities
        ]
        versions = DocumentVersion.objects.filter(document__consultation=consultation).select_related(
            "document"
        )
        self.fields["version"].choices = [
            ("", _("— none —")),
            *[(version.pk, f"{version.document} — {version}") for version in versions],
        ]

    def clean(self):
        data = super().clean()
        template = data.get("template")
        if template is not None:
            for code in ("kk", "ru", "en"):
                if not data.get(f"reasoning_{code}"):
                    data[f"reasoning_{code}"] = getattr(template, f"text_{code}")
            if not data.get("status") and template.status:
                data["status"] = template.status
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Commission member"), queryset=None)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth import get_user_model

        from portal.core.permissions import ROLE_GROUPS, Role

        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[ROLE_GROUPS[Role.COMMISSION], ROLE_GROUPS[Role.ADMIN]]
            )
            .distinct()
            .order_by("display_name")
        )
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000
    )


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What should change (only the drafter sees this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
    )
