"""Atom feeds for people who follow the Commission without an account (a newsroom, an NGO, a feed reader): its
published answers, the implementation of adopted changes and the hearings, in the language of the address.

Each feed holds the latest `FEED_LENGTH` entries (selectors/feeds.py), read in a few queries, and links to
the public pages in the same language. Titles are plain text (Atom's default); summaries are HTML, escaped
here, so a quotation mark in a proposal's title reads as one in every reader."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.defaultfilters import linebreaksbr
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Stylesheet
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.core.atom import ReadableAtomFeed
from portal.core.formats import format_number, format_when
from portal.core.page_cache import cache_anonymous_page

from ..models.hearing import HearingStatus
from ..models.translated import with_language_note
from ..selectors import feeds as selectors

# Words of an answer's reasons (or an update's text) a summary keeps; the page has the rest.
EXCERPT_WORDS = 60


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _moment(value):
    """Atom's dates: the local offset (Almaty), whole seconds, as the pages' <time datetime> have them."""
    return timezone.localtime(value).replace(microsecond=0) if value else None


def _text(row, field: str) -> str:
    """A text staff wrote, in the feed's language or the first that exists, noted as pages note it."""
    language = get_language()
    return with_language_note(*row.translated_in(field, language), language)


def _excerpt(row, field: str) -> str:
    return Truncator(_text(row, field)).words(EXCERPT_WORDS, truncate="…")


def _summary(*paragraphs: str) -> str:
    """Plain texts as the HTML of an Atom summary: escaped, one paragraph each, line breaks kept."""
    return "".join(f"<p>{linebreaksbr(escape(text))}</p>" for text in paragraphs if text)


class PortalFeed(Feed):
    """What the three feeds share: Atom, the portal as author, absolute links on SITE_URL in the language of
    the address, the feed's address as its id, and what a browser needs to show it as a page
    (portal/core/atom.py)."""

    feed_type = ReadableAtomFeed
    url_name = ""
    # Its title, site-wide and for one consultation, and the page a consultation's feed stands for.
    site_title = ""
    consultation_title = ""
    consultation_page = ""

    def title(self, obj):
        if obj is None:
            return str(self.site_title)
        return str(self.consultation_title) % {"consultation": obj}

    def link(self, obj):
        if obj is None:
            return _absolute(reverse("home"))
        return _absolute(reverse(self.consultation_page, kwargs={"slug": obj.slug}))

    def author_name(self):
        return _("Qatysu — public consultations")

    def author_link(self):
        return _absolute(reverse("home"))

    def get_object(self, request, slug=None):
        """The consultation a feed under its address follows; unknown or a draft: 404."""
        if slug is None:
            return None
        consultation = selectors.public_consultation(slug)
        if consultation is None:
            raise Http404
        return consultation

    def url_kwargs(self, obj) -> dict:
        return {"slug": obj.slug} if obj is not None else {}

    def feed_url(self, obj):
        return _absolute(
            reverse(
                self.url_name if obj is None else f"consultation_{self.url_name}", kwargs=self.url_kwargs(obj)
            )
        )

    def feed_guid(self, obj):
        return self.feed_url(obj)

    def stylesheets(self, obj):
        return [Stylesheet(static("feeds/atom.xsl.xml"), mimetype="text/xsl")]

    def feed_extra_kwargs(self, obj):
        return {
            "reading": {
                "about": _(
                    "This is a news feed (Atom): a feed reader checks it for you and shows each new entry, "
                    "so you learn of them without coming back to the portal."
                ),
                "subscribe": _(
                    "To follow it, copy this page's address into your feed reader (a reading app, a browser "
                    "extension or your mail program's feeds):"
                ),
                "home_label": _("Back to Qatysu"),
                "empty": _("Nothing has been published here yet."),
                "home": reverse("home"),
                "css": static("css/portal.css"),
            }
        }

    def item_extra_kwargs(self, item):
        return {"when": format_when(self.item_moment(item))}

    def item_pubdate(self, item):
        return _moment(self.item_moment(item))

    def item_updateddate(self, item):
        return _moment(self.item_moment(item))


class AnswersFeed(PortalFeed):
    """The Commission's published answers, all or of one consultation (`/consultations/<slug>/outcome/…`)."""

    url_name = "feed_answers"
    site_title = gettext_lazy("The Commission's answers to proposals")
    consultation_title = gettext_lazy("The Commission's answers: %(consultation)s")
    consultation_page = "consultation_outcome"

    def subtitle(self, obj):
        return _(
            "Each answer the Commission publishes: its decision and its reasons, with a link to the proposal."
        )

    def items(self, obj):
        return selectors.public_answers(consultation=obj, limit=selectors.FEED_LENGTH)

    def item_title(self, answer):
        return _("%(label)s: %(title)s") % {
            "label": answer.get_status_display(),
            "title": answer.proposal.title,
        }

    def item_description(self, answer):
        return _summary(_excerpt(answer, "reasoning"))

    def item_link(self, answer):
        return _absolute(answer.proposal.get_absolute_url())

    def item_guid(self, answer):
        return f"{self.item_link(answer)}#answer-{answer.pk}"

    def item_moment(self, answer):
        return answer.published_at


def _changes(update) -> list[str]:
    """What an update changed, in words: status, progress, due date."""
    changes = []
    if update.changes_status:
        changes.append(_("status: %(status)s") % {"status": update.get_to_status_display()})
    if update.changes_progress and update.to_progress is not None:
        changes.append(_("progress: %(percent)s %%") % {"percent": format_number(update.to_progress)})
    if update.changes_due_date:
        changes.append(_("due date: %(date)s") % {"date": format_when(update.to_due_date, "date_long")})
    return changes


class ImplementationFeed(PortalFeed):
    """How adopted changes are carried out: each published commitment update (status, progress, due date and
    why) and each due date that passed unfinished."""

    url_name = "feed_implementation"
    site_title = gettext_lazy("Implementation of adopted changes")
    consultation_title = gettext_lazy("Implementation of adopted changes: %(consultation)s")
    consultation_page = "implementation_tracker"

    def subtitle(self, obj):
        return _("Updates on the commitments that carry out adopted changes, and due dates missed.")

    def items(self, obj):
        return selectors.implementation_news(consultation=obj, limit=selectors.FEED_LENGTH)

    def item_title(self, news):
        commitment = news.commitment.translated("title", get_language())
        if news.update is None:
            return _("%(commitment)s: due date %(date)s passed, not done") % {
                "commitment": commitment,
                "date": format_when(news.commitment.due_date, "date_long"),
            }
        changes = _changes(news.update) or [_("news")]
        # A dash, not a colon: the changes read "status: …, progress: …", which a second colon ran into.
        return _("%(commitment)s — %(changes)s") % {"commitment": commitment, "changes": ", ".join(changes)}

    def item_description(self, news):
        body = _("Responsible: %(body)s") % {"body": news.commitment.body.translated("name", get_language())}
        if news.update is None:
            status = _("Status: %(status)s") % {"status": news.commitment.get_status_display()}
            return _summary(status, body)
        text = _excerpt(news.update, "text")
        reason = _text(news.update, "reason")
        return _summary(text, _("Reason: %(reason)s") % {"reason": reason} if reason else "", body)

    def item_link(self, news):
        return _absolute(news.commitment.get_absolute_url())

    def item_guid(self, news):
        return f"{self.item_link(news)}#{news.key}"

    def item_moment(self, news):
        return news.at


class HearingsFeed(PortalFeed):
    """Hearings as they are announced and changed (moved, postponed, cancelled, held, minutes published): one
    entry per hearing, whose `updated` moves with each change."""

    url_name = "feed_hearings"
    site_title = gettext_lazy("Public hearings of the Commission")

    def link(self, obj):
        return _absolute(reverse("hearing_list"))

    def subtitle(self, obj):
        return _("Hearings as they are announced, moved, postponed, cancelled and held.")

    def items(self, obj):
        return selectors.latest_hearings(limit=selectors.FEED_LENGTH)

    def item_title(self, hearing):
        return _("%(label)s: %(title)s") % {
            "label": hearing.status_label,
            "title": hearing.translated("title", get_language()),
        }

    def item_description(self, hearing):
        # A postponed hearing's time is void: under "Перенесено" ("moved") a reader took it for the new date.
        if hearing.status == HearingStatus.POSTPONED:
            when = _("Not confirmed: the hearing is postponed, the Commission will announce its date.")
        else:
            when = _("When: %(start)s") % {"start": format_when(hearing.starts_at)}
        venue = hearing.translated("venue", get_language())
        reason = selectors.status_reason(hearing)
        description = _excerpt(hearing, "description")
        return _summary(
            when,
            _("Where: %(venue)s") % {"venue": venue} if venue else hearing.get_format_display(),
            _("Reason: %(reason)s") % {"reason": reason} if reason else "",
            description,
        )

    def item_link(self, hearing):
        return _absolute(hearing.get_absolute_url())

    def item_guid(self, hearing):
        return self.item_link(hearing)

    def item_pubdate(self, hearing):
        return _moment(hearing.created_at)

    def item_moment(self, hearing):
        return hearing.updated_at


answers_feed = cache_anonymous_page()(AnswersFeed())
implementation_feed = cache_anonymous_page()(ImplementationFeed())
hearings_feed = cache_anonymous_page()(HearingsFeed())
