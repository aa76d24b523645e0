"""Staff: import a version from uploaded Markdown as a draft, confirm article matches proposed by similarity
(and change one confirmed wrongly), then publish the version (or discard a draft imported by mistake)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.core.form_views import service_form_page
from portal.core.forms import PortalForm, RevisionMarked, form_errors_text, posted_data, textarea_field
from portal.core.roles import role_required, staff_action
from portal.core.widgets import FilePickerInput
from proposals.permissions.consultation import can_import_document

from ..documents.draft_format import DocumentFormatError
from ..models import Article, ArticleIdentity, Document, DocumentVersion
from ..selectors.document import changeable_matches, staff_versions
from ..services.document import (
    LANGUAGES,
    MATCH_NEW,
    MATCH_UNCONFIRMED,
    MatchChange,
    article_identity_confirm,
    article_match_change,
    article_match_revision,
    document_version_discard,
    document_version_import,
    document_version_publish,
)

MAX_UPLOAD = 2 * 1024 * 1024
# The first bytes of the files the secretariat most often has instead of a text file: a Word document (.docx
# is a ZIP archive, .doc an OLE file), a PDF, an RTF file. Each would otherwise be refused as "not UTF-8" or
# as a missing heading on line 1, which does not tell a non-programmer what to do.
_NOT_TEXT_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"{\\rtf")


class ImportForm(PortalForm):
    label_kk = forms.CharField(label=gettext_lazy("Label (Kazakh)"), max_length=120)
    label_ru = forms.CharField(label=gettext_lazy("Label (Russian)"), max_length=120, required=False)
    label_en = forms.CharField(label=gettext_lazy("Label (English)"), max_length=120, required=False)
    # Kazakh is the state language: a version without its text would be published with Kazakh pages
    # showing another language's wording as if it were the draft.
    file_kk = forms.FileField(
        label=gettext_lazy("Markdown in Kazakh (kk.md)"),
        widget=FilePickerInput(),
        error_messages={
            "required": gettext_lazy(
                "Upload the Kazakh text (kk.md): every version is published in the state language."
            )
        },
    )
    file_ru = forms.FileField(
        label=gettext_lazy("Markdown in Russian (ru.md)"), required=False, widget=FilePickerInput()
    )
    file_en = forms.FileField(
        label=gettext_lazy("Markdown in English (en.md)"), required=False, widget=FilePickerInput()
    )

    def clean(self):
        data = super().clean()
        files = {code: data.get(f"file_{code}") for code in LANGUAGES if data.get(f"file_{code}")}
        if "kk" not in files:
            return data
        texts = {}
        for code, upload in files.items():
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError(_("%(name)s is larger than 2 MB.") % {"name": f"{code}.md"})
            content = upload.read()
            if content.startswith(_NOT_TEXT_SIGNATURES):
                raise forms.ValidationError(
                    _(
                        "%(name)s is a Word or PDF document, not a text file. Open it, choose Save as, pick "
                        "“Plain text” with the encoding UTF-8, and upload the saved file."
                    )
                    % {"name": f"{code}.md"}
                )
            try:
                texts[code] = (f"{code}.md", content.decode("utf-8"))
            except UnicodeDecodeError:
                raise forms.ValidationError(
                    _(
                        "%(name)s is not saved as UTF-8 text. Open it in a text editor, choose Save as with "
                        "the encoding UTF-8, and upload it again."
                    )
                    % {"name": f"{code}.md"}
                ) from None
        data["texts"] = texts
        return data


class DiscardForm(PortalForm):
    """Discarding deletes the imported text of every language, so the button asks for a ticked box first."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I understand: the draft's text is deleted, and this cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm discarding the draft.")},
    )


class PublishForm(PortalForm):
    """Publishing cannot be taken back either: everyone reads the version, and answers name its articles."""

    confirm = forms.BooleanField(
        label=gettext_lazy("I have read the draft: once published, it cannot be taken back."),
        error_messages={"required": gettext_lazy("Tick the box to confirm publishing the version.")},
    )


class ArticleMatchForm(RevisionMarked, PortalForm):
    """Changes a confirmed match: the article stays the same text, what changes is which earlier article it
    continues, and with it which proposals, answers and followers it carries."""

    choice = forms.ChoiceField(label=gettext_lazy("Same article as"))
    reason = textarea_field(
        gettext_lazy("Why the match is changed (kept in the audit log)"),
        rows=3,
        max_length=1000,
        error_messages={
            "required": gettext_lazy("Say why the match is changed: the reason is kept in the audit log.")
        },
    )

    revision_of = staticmethod(article_match_revision)

    def __init__(self, *args, article: Article, **kwargs):
        super().__init__(*args, **kwargs)
        identities = ArticleIdentity.objects.filter(document_id=article.version.document_id).order_by("pk")
        choices = [(str(identity.pk), _identity_label(identity)) for identity in identities]
        choices.append((MATCH_NEW, _("A new article: no earlier version has it")))
        if not article.version.is_published:
            choices.append((MATCH_UNCONFIRMED, _("Not confirmed: back among the matches to confirm")))
        self.fields["choice"].choices = choices

    @classmethod
    def values_for(cls, row) -> dict:
        return {"choice": MATCH_UNCONFIRMED if row.identity_proposed else str(row.identity_id)}


def _identity_label(identity: ArticleIdentity) -> str:
    """An identity as the secretariat knows it: its article's number and heading in the latest published
    version, with its key (an article new in a draft has only the key)."""
    if not identity.number:
        return identity.key
    heading = identity.translated("heading")
    return (
        f"{identity.number}. {heading} ({identity.key})" if heading else f"{identity.number} ({identity.key})"
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(can_import_document)
def document_import(request, pk):
    document = get_object_or_404(Document.objects.select_related("consultation"), pk=pk)
    form = ImportForm(posted_data(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        labels = {code: form.cleaned_data[f"label_{code}"] for code in LANGUAGES}
        try:
            version = document_version_import(
                document=document, labels=labels, sources=form.cleaned_data["texts"], imported_by=request.user
            )
        except DocumentFormatError as error:
            form.add_error(
                None,
                _("%(file)s, line %(line)d: %(detail)s. Nothing was imported.")
                % {"file": error.file, "line": error.line, "detail": error.message},
            )
        else:
            messages.success(
                request,
                _("Version %(number)d is imported as a draft that only staff see: check it, then publish it.")
                % {"number": version.position},
            )
            if Article.objects.filter(version=version, identity_proposed=True).exists():
                return redirect("staff_document_matches", pk=document.pk)
            return redirect("staff_document_import", pk=document.pk)
    proposed = Article.objects.filter(version__document=document, identity_proposed=True).count()
    context = {"document": document, "form": form, "proposed": proposed, "versions": staff_versions(document)}
    return render(request, "proposals/staff/document_import.html", context)


@login_required
@role_required(can_import_document)
def document_matches(request, pk):
    document = get_object_or_404(Document.objects.select_related("consultation"), pk=pk)
    articles = (
        Article.objects.filter(version__document=document, identity_proposed=True)
        .select_related("identity", "version")
        .order_by("version__position", "position")
    )
    identities = ArticleIdentity.objects.filter(document=document).order_by("key")
    return render(
        request,
        "proposals/staff/document_matches.html",
        {
            "document": document,
            "articles": articles,
            "identities": identities,
            "confirmed": changeable_matches(document),
            "versions": staff_versions(document),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@role_required(can_import_document)
def article_match_edit(request, pk):
    article = get_object_or_404(
        Article.objects.select_related("identity", "version__document__consultation"), pk=pk
    )
    form = ArticleMatchForm(
        posted_data(request), initial=ArticleMatchForm.initial_for(article), article=article
    )

    def save(form):
        data = MatchChange(
            choice=form.cleaned_data["choice"], reason=form.cleaned_data["reason"], seen=form.seen
        )
        return article_match_change(article=article, changed_by=request.user, data=data)

    def success(saved: Article) -> str:
        if saved.identity_proposed:
            return _("Article %(number)s is back among the matches to confirm.") % {"number": saved.number}
        return _("Article %(number)s is now matched to %(key)s.") % {
            "number": saved.number,
            "key": saved.identity.key,
        }

    return service_form_page(
        request,
        form,
        save=save,
        success=success,
        next_url=lambda saved: reverse("staff_document_matches", kwargs={"pk": article.version.document_id}),
        template="proposals/staff/article_match_form.html",
        context={"article": article, "document": article.version.document},
    )


@staff_action(can_import_document)
def article_match_confirm(request, pk):
    article = get_object_or_404(Article.objects.select_related("version__document"), pk=pk)
    chosen = request.POST.get("identity", "")
    identity = None
    if chosen and chosen.isdigit():
        identity = get_object_or_404(ArticleIdentity, pk=int(chosen), document=article.version.document)
    shown = request.POST.get("shown", "")
    try:
        article_identity_confirm(
            article=article,
            identity=identity,
            confirmed_by=request.user,
            shown_identity_id=int(shown) if shown.isascii() and shown.isdigit() and len(shown) < 11 else None,
        )
    except ValueError:
        messages.error(request, _("That article identity is already used in this version."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The match is confirmed."))
    return redirect("staff_document_matches", pk=article.version.document_id)


def _version_action(request, pk, action, success):
    version = get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)
    try:
        action(version=version, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success % {"number": version.position})
    return redirect("staff_document_import", pk=version.document_id)


@staff_action(can_import_document)
def version_publish(request, pk):
    if refused := _unconfirmed(request, pk, PublishForm):
        return refused
    return _version_action(
        request, pk, document_version_publish, _("Version %(number)d is published: everyone can read it.")
    )


@staff_action(can_import_document)
def version_discard(request, pk):
    if refused := _unconfirmed(request, pk, DiscardForm):
        return refused
    return _version_action(request, pk, document_version_discard, _("Draft version %(number)d is discarded."))


def _unconfirmed(request, pk, form_class):
    """Back to the document's page, saying why, when the box confirming an irreversible step is not ticked."""
    form = form_class(request.POST)
    if form.is_valid():
        return None
    version = get_object_or_404(DocumentVersion, pk=pk)
    messages.error(request, form_errors_text(form))
    return redirect("staff_document_import", pk=version.document_id)
