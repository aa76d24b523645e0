"""The text under consultation: a document with ordered versions of sections, articles and paragraphs.

An article's `identity` is what stays the same when it is renumbered or moved between versions; proposals,
follows and history attach to the identity, not to one version's row.
"""

from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.core.fields import actor_field

from .translated import TranslatedFieldsMixin


class Document(TranslatedFieldsMixin, models.Model):
    consultation = models.ForeignKey(
        "proposals.Consultation", on_delete=models.CASCADE, related_name="documents"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=200, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)

    translated_fields = ("title",)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.UniqueConstraint(fields=["consultation", "slug"], name="document_slug_unique")]

    def __str__(self):
        return self.translated("title") or self.slug

    def get_absolute_url(self):
        return reverse("document_detail", kwargs={"slug": self.consultation.slug, "document": self.slug})


class DocumentVersionQuerySet(models.QuerySet):
    def published(self):
        """What the public may read: pages, API, open data and the outcome report ask for this."""
        return self.filter(published_at__isnull=False)


class DocumentVersion(TranslatedFieldsMixin, models.Model):
    """One version of the text. Imported as a draft that only staff see; public from `published_at`, which
    only `document_version_publish` writes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    position = models.PositiveIntegerField(_("position"))
    label_kk = models.CharField(_("label (Kazakh)"), max_length=120, blank=True)
    label_ru = models.CharField(_("label (Russian)"), max_length=120, blank=True)
    label_en = models.CharField(_("label (English)"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    published_by = actor_field(editable=False)

    objects = DocumentVersionQuerySet.as_manager()

    translated_fields = ("label",)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="version_position_unique")
        ]

    def __str__(self):
        # A label the reader's language lacks is not borrowed from another ("3-жоба" on a Russian page): the
        # version's number, said in the reader's language, names it as well.
        own = getattr(self, f"label_{(get_language() or 'kk')[:2]}", "")
        return own or str(_("Version %(number)d") % {"number": self.position})

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class HeadingInLanguages(TranslatedFieldsMixin, models.Model):
    """The heading the draft gives a numbered part (a section, an article) in each language; such a part
    reads as "number. heading", its model declaring the `number`."""

    heading_kk = models.CharField(max_length=300, blank=True)
    heading_ru = models.CharField(max_length=300, blank=True)
    heading_en = models.CharField(max_length=300, blank=True)

    translated_fields = ("heading",)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.number}. {self.translated('heading')}"


class ArticleIdentityQuerySet(models.QuerySet):
    def published(self):
        """Identities that appear in at least one published version (a draft's new articles do not)."""
        return self.filter(
            Exists(Article.objects.filter(identity=OuterRef("pk"), version__published_at__isnull=False))
        )


class ArticleIdentity(HeadingInLanguages):
    """An article across versions. `key` is stable and appears in permalinks.

    `number` and `heading_*` repeat the article as it stands in the latest published version that has it (set
    when a version is published), so lists can name it without joining the versions. `removed_in` is the
    position of the published version that left it out, while the latest still does: its number may then
    belong to another article, and lists say which version it was in instead of showing it bare.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="identities")
    key = models.SlugField(_("key"), max_length=40)
    number = models.CharField(_("number in the latest version"), max_length=20, blank=True)
    removed_in = models.PositiveIntegerField(_("removed in version"), null=True, blank=True, editable=False)

    objects = ArticleIdentityQuerySet.as_manager()

    class Meta:
        verbose_name = _("article identity")
        verbose_name_plural = _("article identities")
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="identity_key_unique")]

    def __str__(self):
        return self.key

    def get_absolute_url(self):
        return reverse(
            "article_detail",
            kwargs={"slug": self.document.consultation.slug, "document": self.document.slug, "key": self.key},
        )

    @property
    def last_in(self) -> int | None:
        """The position of the last version that has the removed article: versions are published in order,
        so it is the one before the version that left it out."""
        return self.removed_in - 1 if self.removed_in else None


class Section(HeadingInLanguages):
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20)

    class Meta:
        ordering = ["version", "position"]


class Article(HeadingInLanguages):
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="articles")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="articles")
    identity = models.ForeignKey(ArticleIdentity, on_delete=models.PROTECT, related_name="versions")
    position = models.PositiveIntegerField()
    number = models.CharField(_("number"), max_length=20)
    # True while the identity is only the importer's guess by text similarity, awaiting an admin.
    identity_proposed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identity"], name="article_once_per_version")
        ]


class Paragraph(TranslatedFieldsMixin, models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="paragraphs")
    number = models.PositiveIntegerField()
    text_kk = models.TextField(blank=True)
    text_ru = models.TextField(blank=True)
    text_en = models.TextField(blank=True)

    translated_fields = ("text",)

    class Meta:
        ordering = ["article", "number"]

    def __str__(self):
        return f"{self.article_id}.{self.number}"
