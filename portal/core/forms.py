"""Glue between forms and services shared by every app, and the base of every form: input normalised."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.core.formats import format_when
from portal.core.revisions import ChangedMeanwhile, revision
from portal.core.text import plain_text, reject_line_breaks
from portal.core.widgets import DatePartsInput, DateTimePartsInput, TypedParts, explain_typed_date

# The largest value PostgreSQL's integer columns hold: no id, count or bound of ours is larger.
MAX_ID = 2**31 - 1


class NormalisedInputMixin:
    """Every text value a bound form receives goes through `plain_text` before any field sees it;
    single-line text inputs refuse line breaks; integer fields without bounds of their own get those of an
    integer column (a 20-digit number would otherwise reach the database and fail there); every label starts
    with a capital letter, since many reuse a model field's verbose name, which Django keeps lower-case. Our
    forms inherit it through `PortalForm`/`PortalModelForm`; tests/security/test_input_fuzzing.py fails on
    one that does not."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            data = self.data.copy()
            if hasattr(data, "setlist"):
                for key, values in data.lists():
                    data.setlist(key, [_normalised(value) for value in values])
            else:
                data = {key: _normalised(value) for key, value in data.items()}
            self.data = data
        for field in self.fields.values():
            field.label = capfirst(field.label)
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.Textarea):
                field.validators = [*field.validators, reject_line_breaks]
            if isinstance(field, forms.IntegerField):
                if field.max_value is None:
                    field.validators = [*field.validators, MaxValueValidator(MAX_ID)]
                if field.min_value is None:
                    field.validators = [*field.validators, MinValueValidator(-MAX_ID)]

    def full_clean(self):
        super().full_clean()
        if self._errors:
            self._explain_typed_dates()

    def _explain_typed_dates(self) -> None:
        """A date typed in parts and refused as invalid is told what is wrong with it: a missing time, a day
        the month does not have."""
        for name, errors in list(self._errors.items()):
            field = self.fields.get(name)
            if field is None or not isinstance(field.widget, DatePartsInput):
                continue
            typed = self[name].data
            if not isinstance(typed, TypedParts):
                continue
            if not any(error.code == "invalid" for error in errors.as_data()):
                continue
            explained = explain_typed_date(
                typed.parts, with_time=isinstance(field.widget, DateTimePartsInput)
            )
            if explained:
                self._errors[name] = self.error_class(
                    [
                        explained if error.code == "invalid" else message
                        for error, message in zip(errors.as_data(), errors, strict=True)
                    ],
                    renderer=self.renderer,
                )


def textarea_field(label, *, rows: int, lang: str | None = None, **options) -> forms.CharField:
    """A text of several lines, shown `rows` lines high (in `lang` when the text has one language)."""
    attrs = {"rows": rows, "lang": lang} if lang else {"rows": rows}
    return forms.CharField(label=label, widget=forms.Textarea(attrs=attrs), **options)


class RevisionMarked:
    """A plain form that edits a row through a service, which another person may save meanwhile
    (portal/core/revisions.py): `initial_for(row)` fills the fields with the row's values of the same names (a
    foreign key as its id), and the form carries
    the mark of what it was loaded from in a hidden `seen` field, filled by `initial_for(row)`, which the
    service checks. `revision_of(row)` must be the mark the service computes; every stored field of the row
    unless the form's service says otherwise. Refused as changed meanwhile, the form keeps what was typed,
    takes the new mark (saving again is then a choice made having seen the other change) and lists what is
    saved now where it differs from what was typed (`saved_meanwhile`, shown by the form's layout)."""

    saved_meanwhile: list[tuple[str, str, str]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"] = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
        # A model form starts from its instance rather than from `initial_for`.
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.fields["seen"].initial = self.revision_of(instance)

    # The mark of a row as the service computes it (a function of the row).
    revision_of = staticmethod(revision)

    @classmethod
    def initial_for(cls, row) -> dict:
        return {**cls.values_for(row), "seen": cls.revision_of(row)}

    @classmethod
    def values_for(cls, row) -> dict:
        """The form's fields as `row` fills them."""
        return model_to_dict(row, fields=list(cls.base_fields))

    @property
    def seen(self) -> str | None:
        """The mark the form was loaded with; None when it came without one."""
        return self.cleaned_data.get("seen") or None

    def show_saved_meanwhile(self, row) -> None:
        saved = self.values_for(row)
        self.saved_meanwhile = [
            (name, str(field.label), shown)
            for name, field in self.fields.items()
            if name in saved
            and not field.widget.is_hidden
            and (shown := shown_value(field, saved[name])) != shown_value(field, self._typed(name, field))
        ]

    def _typed(self, name: str, field: forms.Field):
        """What was typed into `name`, comparable with the stored value: a text as sent (a form may clean
        it into something else, such as a list of links), anything else as cleaned."""
        if isinstance(field, forms.CharField):
            return (self.data.get(self.add_prefix(name)) or "").strip()
        return getattr(self, "cleaned_data", {}).get(name)


def shown_value(field: forms.Field, value) -> str:
    """`value` of `field` as a person reads it: a choice by its label, yes or no, a time in Almaty time."""
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value else gettext("no")
    values = list(value) if isinstance(value, list | tuple | QuerySet) else [value]
    if isinstance(field, forms.ModelChoiceField):
        keys = [getattr(item, "pk", item) for item in values]
        return ", ".join(str(item) for item in field.queryset.filter(pk__in=keys)) or "—"
    if isinstance(field, forms.ChoiceField):
        labels = {}
        for key, label in field.choices:
            grouped = isinstance(label, list | tuple)
            labels.update({str(k): v for k, v in label} if grouped else {str(key): label})
        return ", ".join(str(labels.get(str(item), item)) for item in values)
    if hasattr(value, "isoformat"):
        return format_when(value)
    return str(value)


class PortalForm(NormalisedInputMixin, forms.Form):
    pass


class IdsField(forms.Field):
    """A list of row ids from repeated parameters (`?id=1&id=2`): ASCII digits within the bounds of a
    primary key, so "²" (a digit to str.isdigit) or a 30-digit number is a validation error, not a 500."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = []
        for item in value or ():
            text = str(item)
            if not (text.isascii() and text.isdigit() and 0 < len(text) <= 10 and 0 < int(text) <= MAX_ID):
                raise ValidationError(_("Not a valid id: %(value)s"), params={"value": text[:20]}, code="id")
            ids.append(int(text))
        return ids


class IdsForm(PortalForm):
    """The ids a bulk action names, under `id`."""

    id = IdsField(required=False)


class PortalModelForm(NormalisedInputMixin, forms.ModelForm):
    pass


def _normalised(value):
    return plain_text(value) if isinstance(value, str) else value


def add_service_errors(form, error: ValidationError) -> None:
    """Puts a service's ValidationError on `form`: errors about a field the form has go beside that field,
    the rest at the top of the form. A save refused because what it edits changed meanwhile keeps what was
    typed and shows beside it what is saved now (`RevisionMarked`)."""
    if isinstance(error, ChangedMeanwhile) and "seen" in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix("seen")] = error.revision
        if isinstance(form, RevisionMarked):
            form.show_saved_meanwhile(error.saved)
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def form_errors_text(form) -> str:
    """Every error of `form` in one line, for a flash message after a redirect."""
    return " ".join(error for errors in form.errors.values() for error in errors)


def error_text(error: Exception) -> str:
    """A service's refusal (ValidationError or PermissionDenied) as one line for a flash message."""
    return " ".join(getattr(error, "messages", None) or [str(error)])


def posted_data(request):
    """The data of a POST (bound even when empty, so the form says what is missing instead of showing itself
    again as if nothing was sent), None for a GET."""
    return request.POST if request.method == "POST" else None
