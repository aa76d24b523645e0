"""Forms of the public and working pages: proposals, comments, reports and appeals, the moderation queue, the
Commission's answers and commitments. They validate shape; services validate rules and write."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm, RevisionMarked, textarea_field
from portal.core.roles import ROLE_GROUPS, Role
from portal.core.widgets import DatePartsInput, LanguageSelect, MultipleFilePickerInput

from .models import (
    CommitmentStatus,
    EvidenceKind,
    MeasureKind,
    ModerationCase,
    Proposal,
    Report,
    ResponseStatus,
    Topic,
)
from .selectors.document import articles_new_in_drafts, consultation_articles, versions_an_answer_may_name
from .selectors.proposal import draft_revision
from .selectors.response_template import templates_offered

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


def filter_choice(label, *, anything, choices, **options) -> forms.ChoiceField:
    """One filter of a list's query string: the empty first choice, labelled `anything` ("Any status"),
    leaves the list unfiltered, so a link without the parameter is valid."""
    return forms.ChoiceField(label=label, required=False, choices=[("", anything), *choices], **options)


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFilePickerInput(attrs={"accept": "application/pdf,.pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class ProposalForm(RevisionMarked, PortalForm):
    title = forms.CharField(label=_("Title"), max_length=150, help_text=_("At most 150 characters."))
    summary = textarea_field(
        _("Summary"),
        rows=3,
        max_length=600,
        help_text=_("One or two sentences: what should change, and why."),
    )
    body = textarea_field(
        _("Text of the proposal"),
        rows=14,
        help_text=_("Markdown: blank lines between paragraphs, *emphasis*, **bold**, lists with “-”, links."),
    )
    language = forms.ChoiceField(
        label=_("Language of your text"),
        choices=LANGUAGE_CHOICES,
        widget=LanguageSelect,
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
        # The box stops at the limit, and says it, rather than refusing the text after submission.
        self.fields["body"].widget.attrs["maxlength"] = settings.PROPOSAL_BODY_MAX_LENGTH
        self.fields["body"].help_text = format_lazy(
            "{} {}",
            self.fields["body"].help_text,
            _("At most %(limit)s characters.") % {"limit": settings.PROPOSAL_BODY_MAX_LENGTH},
        )

    revision_of = staticmethod(draft_revision)

    @classmethod
    def values_for(cls, proposal: Proposal) -> dict:
        return {
            "title": proposal.title,
            "summary": proposal.summary,
            "body": proposal.body,
            "language": proposal.language,
            "topic": proposal.topic_id,
            "articles": list(proposal.articles.values_list("pk", flat=True)),
            "organisation": proposal.organisation_id,
        }


class WithdrawForm(PortalForm):
    # The reason stands on the proposal's public page; the author is told before they write it.
    reason = textarea_field(
        _("Why do you withdraw it?"),
        rows=3,
        max_length=1000,
        help_text=_("Shown to everyone on the proposal's page, with its history."),
    )


class CommentForm(PortalForm):
    body = textarea_field(_("Your comment"), rows=4, max_length=3000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(PortalForm):
    kind = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Kind.choices, widget=forms.RadioSelect)
    details = textarea_field(
        _("Details (optional, required for “Something else”)"), rows=2, required=False, max_length=500
    )


# --- moderation ----------------------------------------------------------------------------------------

_REASON_CHOICES = [("", _("— for any decision but approval —")), *ModerationCase.ReasonCode.choices]


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ModerationCase.Decision.choices, widget=forms.RadioSelect
    )
    reason_code = forms.ChoiceField(label=_("Reason"), required=False, choices=_REASON_CHOICES)
    statement = textarea_field(
        _("Statement of reasons, shown to the author"), rows=4, required=False, max_length=3000
    )
    merge_into = forms.IntegerField(
        label=_("Number of the proposal it duplicates (for a merge)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
    )

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["decision"].choices = [
                (value, label) for value, label in ModerationCase.Decision.choices if value in allowed
            ]
            # Fields no decision offered here uses are left out: a case that can only be approved showed a
            # reason list and a merge number that nothing would take.
            if ModerationCase.Decision.MERGE not in allowed:
                del self.fields["merge_into"]
            if set(allowed) <= {ModerationCase.Decision.APPROVE}:
                del self.fields["reason_code"]


class ContentActForm(DecisionForm):
    """A moderator's own hide or restore from a proposal's page; `comment` names one of its comments."""

    comment = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput)


class BulkDecisionForm(PortalForm):
    # No decision is chosen in advance: a keyboard user reaching the button must not approve a whole
    # selection by default.
    decision = forms.ChoiceField(
        label=_("Decision for the selected cases"),
        choices=[
            ("", _("— choose —")),
            *(
                (value, label)
                for value, label in ModerationCase.Decision.choices
                if value != ModerationCase.Decision.MERGE
            ),
        ],
    )
    reason_code = forms.ChoiceField(label=_("Reason"), required=False, choices=_REASON_CHOICES)
    statement = textarea_field(
        _("Statement of reasons, shown to each author"), rows=3, required=False, max_length=3000
    )
    cases = forms.TypedMultipleChoiceField(coerce=int, choices=[], label=_("Cases"))

    def __init__(self, *args, case_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(pk, pk) for pk in case_ids]


class AccountBlockForm(PortalForm):
    days = forms.IntegerField(label=_("Block for how many days"), min_value=1, max_value=365, initial=7)
    reason = textarea_field(_("Reason, shown to the person"), rows=3, min_length=20, max_length=2000)


class QueueFilterForm(PortalForm):
    """The queue's query string; a bad value is shown as an error and ignored, never a 500."""

    reason = filter_choice(
        _("Reason"),
        anything=_("Any reason"),
        # Prefixes of the reason words screening and reports record (see proposals/detectors/result.py).
        choices=[
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
    language = filter_choice(
        _("Language"), anything=_("Any language"), choices=LANGUAGE_CHOICES, widget=LanguageSelect
    )
    kind = filter_choice(
        _("Type"),
        anything=_("Proposals and comments"),
        choices=[("proposal", _("Proposals")), ("comment", _("Comments"))],
    )
    source = filter_choice(_("Source"), anything=_("Any source"), choices=ModerationCase.Source.choices)
    mine = forms.BooleanField(label=_("Claimed by me"), required=False)


class AppealForm(PortalForm):
    grounds = textarea_field(_("Why should the decision change?"), rows=4, max_length=3000)


# --- Hearings ---------------------------------------------------------------------------------------------


class SpeakerRequestForm(PortalForm):
    proposal = forms.TypedChoiceField(label=_("Your proposal"), coerce=int, choices=())
    message = textarea_field(_("What you would like to present"), rows=3, required=False, max_length=1000)

    def __init__(self, *args, proposal_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = list(proposal_choices)


class CommissionQueueForm(PortalForm):
    """Filters of the Commission's work queue (validated values only reach the selector)."""

    consultation = forms.ChoiceField(label=_("Consultation"), required=False)
    article = forms.TypedChoiceField(label=_("Article"), required=False, coerce=int, empty_value=None)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    min_supports = forms.IntegerField(
        label=_("At least this many supports"), required=False, min_value=0, max_value=1_000_000_000
    )
    min_age_days = forms.IntegerField(
        label=_("Published at least this many days ago"), required=False, min_value=0, max_value=36_500
    )
    deadline = filter_choice(
        _("Deadline"),
        anything=_("Any"),
        choices=[("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
    )
    assignee = filter_choice(
        _("Assigned to"), anything=_("Anyone"), choices=[("me", _("Me")), ("none", _("Nobody yet"))]
    )
    answer = filter_choice(
        _("Answer"),
        anything=_("Any"),
        choices=[("to_approve", _("Awaiting my approval")), ("returned", _("Returned for changes"))],
    )

    def __init__(self, *args, consultation_choices=(), article_choices=(), works=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not works:
            # An auditor reads the queue: no proposal is assigned to them, no answer awaits their approval.
            for name, choice in (("assignee", "me"), ("answer", "to_approve")):
                field = self.fields[name]
                field.choices = [option for option in field.choices if option[0] != choice]
        self.fields["consultation"].choices = [("", _("All consultations")), *consultation_choices]
        self.fields["article"].choices = [("", _("All articles")), *article_choices]
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *[(topic.slug, str(topic)) for topic in Topic.objects.filter(is_active=True)],
        ]


class AnswerLinksForm(PortalForm):
    """Where an answer says the change was made: the articles and the version of the draft. A version not
    yet published may be named, and so may an article new in it; public pages name them once the version is
    published."""

    articles = forms.TypedMultipleChoiceField(
        label=_("Articles the answer concerns"),
        required=False,
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    version = forms.TypedChoiceField(
        label=_("Draft version where the change was made"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A version not yet published may be named: public pages name it once it is published."),
    )

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        removed = _("no longer in the draft")
        self.fields["articles"].choices = [
            (
                identity.pk,
                f"{identity.number}. {identity.translated('heading')}"
                + ("" if in_draft else f" ({removed})"),
            )
            for identity, in_draft in consultation_articles(consultation)
        ] + [
            (
                article.identity_id,
                f"{article.number}. {article.translated('heading')} ("
                + _("new in “%(version)s”, not yet published") % {"version": article.version}
                + ")",
            )
            for article in articles_new_in_drafts(consultation)
        ]
        unpublished = _("not yet published")
        self.fields["version"].choices = [
            ("", _("— none —")),
            *[
                (
                    version.pk,
                    f"{version.document} — {version}" + ("" if version.is_published else f" ({unpublished})"),
                )
                for version in versions_an_answer_may_name(consultation)
            ],
        ]


class ResponseForm(AnswerLinksForm):
    field_order = ["status", "template", "reasoning_kk", "reasoning_ru", "reasoning_en"]

    status = forms.ChoiceField(label=_("Outcome"), required=False)
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        required=False,
        queryset=None,
        empty_label=_("— none —"),
        help_text=_("Fills the reasoning in the languages you leave empty."),
    )
    reasoning_kk = textarea_field(
        _("Reasoning in Kazakh"), rows=5, lang="kk", required=False, max_length=10000
    )
    reasoning_ru = textarea_field(
        _("Reasoning in Russian"), rows=5, lang="ru", required=False, max_length=10000
    )
    reasoning_en = textarea_field(
        _("Reasoning in English"), rows=5, lang="en", required=False, max_length=10000
    )
    # The answer as the page showed it: a save another member's save has outdated since is refused.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, consultation=consultation, **kwargs)
        self.fields["status"].choices = [("", _("— choose —")), *ResponseStatus.choices]
        self.fields["template"].queryset = templates_offered(consultation)

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


class ResponseCorrectionForm(AnswerLinksForm):
    """Corrects where a published answer says the change was made; its decision and reasons stay."""

    reason = textarea_field(_("Why the correction (kept in the answer's history)"), rows=2, max_length=1000)
    # The answer as the page showed it (`answer_revision`): a correction is chosen against those links.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class AssignForm(PortalForm):
    assignee = forms.ModelChoiceField(
        label=_("Commission member"), queryset=None, empty_label=_("Choose a member")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            get_user_model()
            .objects.filter(
                is_active=True, groups__name__in=[ROLE_GROUPS[Role.COMMISSION], ROLE_GROUPS[Role.ADMIN]]
            )
            .distinct()
            .order_by("display_name")
        )
        # Two members may share a display name; the account number tells them apart without an email.
        self.fields["assignee"].label_from_instance = lambda user: f"{user.display_name} (#{user.pk})"


class NoteForm(PortalForm):
    body = textarea_field(_("Internal note"), rows=3, max_length=3000)


class ReturnForm(PortalForm):
    note = textarea_field(_("What should change (only the drafter sees this)"), rows=3, max_length=3000)
    # The answer as the page showed it (`answer_revision`): a note is about the text the reviewer read.
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


# --- Implementation: commitments after the outcome ---------------------------------------------------------


class TrackerFilterForm(PortalForm):
    """The public tracker's query string; unknown values are shown as errors, never a 500."""

    article = forms.ChoiceField(label=_("Article"), required=False, choices=())
    body = forms.ChoiceField(label=_("Responsible body"), required=False, choices=())
    status = filter_choice(_("Status"), anything=_("Any status"), choices=CommitmentStatus.choices)

    def __init__(self, *args, articles=(), bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["article"].choices = [
            ("", _("Any article")),
            *[(a.key, _("Article %(number)s") % {"number": a.number or a.key}) for a in articles],
        ]
        self.fields["body"].choices = [("", _("Any body")), *[(b.slug, str(b)) for b in bodies]]


def _date_widget():
    return DatePartsInput()


class CommitmentForm(PortalForm):
    title_kk = forms.CharField(label=_("Title in Kazakh"), max_length=300)
    title_ru = forms.CharField(label=_("Title in Russian"), max_length=300)
    title_en = forms.CharField(label=_("Title in English"), max_length=300)
    description_kk = textarea_field(_("Description in Kazakh"), rows=3, required=False)
    description_ru = textarea_field(_("Description in Russian"), rows=3, required=False)
    description_en = textarea_field(_("Description in English"), rows=3, required=False)
    body = forms.TypedChoiceField(label=_("Responsible body"), coerce=int, choices=())
    measure = forms.ChoiceField(label=_("Kind of measure"), choices=MeasureKind.choices)
    due_date = forms.DateField(label=_("Due date"), widget=_date_widget())
    articles = forms.TypedMultipleChoiceField(label=_("Changed articles"), coerce=int, choices=())
    responses = forms.TypedMultipleChoiceField(label=_("Answers behind it"), coerce=int, choices=())
    already_overdue = forms.BooleanField(
        label=_("The due date has passed: record the commitment as already overdue"), required=False
    )

    # Not the service's input: a question the form asks about a due date that has passed.
    confirmations = ("already_overdue",)

    def __init__(self, *args, bodies=(), article_choices=(), response_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", "—"), *[(b.pk, str(b)) for b in bodies]]
        self.fields["articles"].choices = list(article_choices)
        self.fields["responses"].choices = list(response_choices)

    def clean(self):
        return _ask_about_a_passed_due_date(self, super().clean())


def _ask_about_a_passed_due_date(form, cleaned: dict) -> dict:
    """A mistyped year (2026 for 2027) showed a commitment as overdue to the public at once, and the hourly
    sweep told its followers so: a due date that has passed needs the form's `already_overdue` ticked."""
    due = cleaned.get("due_date")
    if due and due < timezone.localdate() and not cleaned.get("already_overdue"):
        form.add_error(
            "due_date",
            _(
                "This date has passed, so the commitment would be shown as overdue at once. Correct the "
                "date, or tick the box below if it is already overdue."
            ),
        )
    return cleaned


# The tracker shows every update in each language; "This field is required" beside the English one did not
# say why a Kazakh and Russian secretariat is asked for it.
_UPDATE_IN_EVERY_LANGUAGE = {
    "required": _(
        "Write the update in this language too: the tracker is published in Kazakh, Russian and English."
    )
}


class CommitmentUpdateForm(PortalForm):
    text_kk = textarea_field(_("Update in Kazakh"), rows=3, error_messages=_UPDATE_IN_EVERY_LANGUAGE)
    text_ru = textarea_field(_("Update in Russian"), rows=3, error_messages=_UPDATE_IN_EVERY_LANGUAGE)
    text_en = textarea_field(_("Update in English"), rows=3, error_messages=_UPDATE_IN_EVERY_LANGUAGE)
    to_status = forms.ChoiceField(label=_("New status"), choices=())
    progress = forms.IntegerField(label=_("Progress, per cent"), required=False, min_value=0, max_value=100)
    due_date = forms.DateField(label=_("New due date"), required=False, widget=_date_widget())
    already_overdue = forms.BooleanField(
        label=_("The new due date has passed: show the commitment as overdue"), required=False
    )
    reason_kk = textarea_field(_("Reason for a delay or drop, in Kazakh"), rows=2, required=False)
    reason_ru = textarea_field(_("Reason for a delay or drop, in Russian"), rows=2, required=False)
    reason_en = textarea_field(_("Reason for a delay or drop, in English"), rows=2, required=False)
    corrects = forms.TypedChoiceField(
        label=_("Corrects the update"), required=False, coerce=int, empty_value=None, choices=()
    )
    evidence_kind = forms.ChoiceField(
        label=_("Kind of evidence"), required=False, choices=[("", "—"), *EvidenceKind.choices]
    )
    evidence_title = forms.CharField(label=_("Title of the evidence"), required=False, max_length=300)
    evidence_url = forms.URLField(
        label=_("Link to the evidence"), required=False, max_length=500, assume_scheme="https"
    )
    # The last published update on the page when it was shown: the service refuses a post it outdates.
    seen = forms.IntegerField(required=False, min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, status_choices=(), update_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = list(status_choices)
        self.fields["corrects"].choices = [("", "—"), *update_choices]

    def clean(self):
        return _ask_about_a_passed_due_date(self, super().clean())
