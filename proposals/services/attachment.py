"""PDF attachments: checked by content, stored under a random name, served only through a view."""

import hashlib
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.core import permissions

from ..models import Attachment, Proposal

_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-]+", re.UNICODE)
# Markers of a file that is also HTML, SVG or script (a polyglot): browsers could sniff it as such.
_POLYGLOT_MARKERS = (b"<html", b"<script", b"<svg", b"<!doctype", b"<body", b"<iframe")


def safe_file_name(name: str) -> str:
    """A display name with no path, no control or markup characters, ending in .pdf."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._") or "document"
    stem = (name[:-4] if name.lower().endswith(".pdf") else name).strip(" ._") or "document"
    return f"{stem[:90]}.pdf"


def _check_pdf(uploaded) -> bytes:
    if uploaded.size > settings.PROPOSAL_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachments": _("%(name)s is larger than 10 MB.") % {"name": safe_file_name(uploaded.name)}}
        )
    content = b"".join(uploaded.chunks())
    head, tail = content[:1024], content[-2048:]
    lowered = content[:4096].lower()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail or any(m in lowered for m in _POLYGLOT_MARKERS):
        raise ValidationError(
            {"attachments": _("%(name)s is not a PDF file.") % {"name": safe_file_name(uploaded.name)}}
        )
    return content


@transaction.atomic
def attachment_add(*, proposal: Proposal, author, uploaded) -> Attachment:
    from django.core.files.base import ContentFile

    if not permissions.can_edit_proposal(author, proposal):
        raise PermissionDenied(_("This proposal can no longer be edited."))
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.attachments.count() >= settings.PROPOSAL_MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("A proposal can have at most 5 attachments.")})
    content = _check_pdf(uploaded)
    attachment = Attachment(
        proposal=locked,
        original_name=safe_file_name(uploaded.name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save("upload.pdf", ContentFile(content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, author) -> None:
    if not permissions.can_edit_proposal(author, attachment.proposal):
        raise PermissionDenied(_("This proposal can no longer be edited."))
    transaction.on_commit(
        lambda name=attachment.file.name, storage=attachment.file.storage: storage.delete(name)
    )
    attachment.delete()
