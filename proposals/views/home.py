from django.shortcuts import render

from portal.core.page_cache import cache_anonymous_page

from ..selectors.consultation import consultation_groups


@cache_anonymous_page()
def home(request):
    """Leads with the consultations: those taking proposals first, then upcoming and closed ones."""
    return render(request, "proposals/home.html", {"groups": consultation_groups()})


@cache_anonymous_page()
def consultation_list(request):
    return render(request, "proposals/consultation_list.html", {"groups": consultation_groups()})
