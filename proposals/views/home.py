from django.shortcuts import render

from portal.core.page_cache import cache_anonymous_page

from ..selectors.consultation import current_consultation, phase_timeline


@cache_anonymous_page()
def home(request):
    consultation = current_consultation()
    context = {"consultation": consultation, "timeline": phase_timeline(consultation) if consultation else []}
    return render(request, "proposals/home.html", context)
