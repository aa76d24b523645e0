"""PDF attachments: checked by content, stored under a random name, served only through a view."""

import hashlib
import re
import unicodedata
import zlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from proposals.permissions.proposal import can_edit_proposal

from ..models import Attachment, Proposal

_UNSAFE_NAME_CHARS = re.compile(r"[^\w .()\-]+", re.UNICODE)
# Active content anywhere in the file, raw or inside a compressed stream: markup that makes it a polyglot a
# browser could sniff as HTML or SVG (tags and event handlers), and the PDF actions that run code or launch
# programs in a reader.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:html|script|svg|!doctype|body|iframe|img|object|embed|meta|link)[\s/>]"
    rb"|\bon(?:error|load|click|mouseover|focus)\s*="
    rb"|javascript:"
    rb"|/(?:javascript|js|launch|richmedia|embeddedfile)(?![a-z])",
    re.IGNORECASE,
)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.DOTALL)
_MAX_INFLATED = 50 * 1024 * 1024


def _has_active_content(content: bytes) -> bool:
    """The whole file and every stream that inflates (object streams hide dictionaries) are searched."""
    if _ACTIVE_CONTENT.search(content):
        return True
    for stream in _STREAM.finditer(content):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(stream.group(1), _MAX_INFLATED)
        except zlib.error:
            continue
        if _ACTIVE_CONTENT.search(inflated):
            return True
    return False


def safe_file_name(name: str) -> str:
    """A display name with no path, no control or markup characters, ending in .pdf."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C")
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" ._") or "document"
    stem = (name[:-4] if name.lower().endswith(".pdf") else name).strip(" ._") or "document"
    return f"{stem[:90]}.pdf"


def _check_pdf(uploaded: UploadedFile) -> bytes:
    if uploaded.size > settings.PROPOSAL_ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"attachments": _("%(name)s is larger than 10 MB.") % {"name": safe_file_name(uploaded.name)}}
        )
    content = b"".join(uploaded.chunks())
    head, tail = content[:1024], content[-2048:]
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail or _has_active_content(content):
        raise ValidationError(
            {"attachments": _("%(name)s is not a PDF file.") % {"name": safe_file_name(uploaded.name)}}
        )
    return content


@transaction.atomic
def attachment_add(*, proposal: Proposal, author: User, uploaded: UploadedFile) -> Attachment:
    if not can_edit_proposal(author, proposal):
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
