"""Files every site answers at a fixed address: robots.txt and favicon.ico."""

from django.http import HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

# Staff, account and form pages are of no use in search results; everything public may be crawled.
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /*/admin/
Disallow: /*/staff/
Disallow: /*/moderation/
Disallow: /*/accounts/
Disallow: /*/notifications/
Allow: /
"""


@require_GET
def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


class FaviconRedirect(RedirectView):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin): ours, not a 404."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


favicon = FaviconRedirect.as_view()
