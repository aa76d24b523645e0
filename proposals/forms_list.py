"""The public proposal list's filter form: its query string, validated, and what the page says about it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import PortalForm

from .forms import filter_choice
from .models import ProposalStatus
from .models.proposal import PUBLIC_STATUSES, Proposal
from .selectors.filter_choices import FilterChoices, proposal_filter_choices
from .selectors.proposal import ORDERINGS, ProposalFilters


class ProposalFilterForm(PortalForm):
    """The list's query string. Unknown values are errors shown to the reader, never a 500."""

    # A longer query (pasted) is searched by its first 200 characters, as the search reads it, not refused:
    # refused, it left the whole list under an error, as if everything matched.
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 200}),
        help_text=_(
            "A word is found in any of its forms. “Words in quotes”: side by side, in this order. "
            "-word: without that word."
        ),
    )
    consultation = forms.ChoiceField(label=_("Consultation"), required=False, choices=())
    status = filter_choice(
        _("Status"),
        anything=_("Any status"),
        choices=[(s.value, s.label) for s in ProposalStatus if s in PUBLIC_STATUSES],
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=())
    # Any article identity, not only the latest version's: old links keep working.
    article = forms.IntegerField(label=_("Article"), required=False, min_value=1, widget=forms.Select)
    submitter_type = filter_choice(
        _("Submitted by"), anything=_("Anyone"), choices=Proposal.SubmitterType.choices
    )
    has_response = filter_choice(
        _("Answer"), anything=_("Any"), choices=[("yes", _("Answered")), ("no", _("Not answered yet"))]
    )
    # Reached from an organisation's page; the list says above it which organisation it is.
    organisation = forms.SlugField(required=False, max_length=80, widget=forms.HiddenInput)
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

    def __init__(self, *args, choices: FilterChoices | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = choices or proposal_filter_choices()
        self.fields["topic"].choices = [("", _("Any topic")), *choices.topics]
        self.fields["article"].widget.choices = [("", _("Any article")), *choices.articles]
        self._consultation_ids = {slug: pk for slug, _title, pk in choices.consultations}
        self.fields["consultation"].choices = [
            ("", _("All consultations")),
            *[(slug, title) for slug, title, _pk in choices.consultations],
        ]

    def clean_q(self):
        return self.cleaned_data["q"][:200]

    def chosen(self) -> list[str]:
        """The filters in force as "Label: value", for the page's title: a tab, a bookmark and the history
        say which list it is. Only validated values; the default order is not named."""
        return [text for _name, text in self._chosen()]

    def folded_fields(self) -> list:
        """The fields a phone folds behind "Filters" (proposal_list.html): all but the search."""
        return [field for field in self.visible_fields() if field.name != "q"]

    def active_filters(self) -> int:
        """How many of the folded fields are in force, for the summary that folds them."""
        return sum(name != "q" for name, _text in self._chosen())

    def folded_errors(self) -> bool:
        return any(field.errors for field in self.folded_fields())

    def _chosen(self) -> list[tuple[str, str]]:
        chosen = []
        for name, field in self.fields.items():
            value = getattr(self, "cleaned_data", {}).get(name)
            if value in (None, "") or isinstance(field.widget, forms.HiddenInput):
                continue
            if name == "ordering" and value == "-created":
                continue
            choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None) or ()
            shown = str(dict(choices).get(value, value))
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            chosen.append((name, f"{field.label}: {shown}"))
        return chosen

    def to_filters(self, **extra) -> ProposalFilters:
        data = self.cleaned_data
        has_response = {"yes": True, "no": False}.get(data.get("has_response") or "")
        ordering = data.get("ordering") or "-created"
        return ProposalFilters(
            consultation_id=self._consultation_ids.get(data.get("consultation") or ""),
            q=data.get("q") or "",
            status=data.get("status") or None,
            topic=data.get("topic") or None,
            article=data.get("article"),
            submitter_type=data.get("submitter_type") or None,
            organisation=data.get("organisation") or None,
            has_response=has_response,
            ordering=ordering if ordering in ORDERINGS else "-created",
            **extra,
        )
