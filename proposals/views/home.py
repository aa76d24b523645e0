from django.shortcuts import render

from ..selectors.consultation import current_consultation, phase_timeline


def home(request):
    consultation = current_consultation()
    context = {"consultation": consultation, "timeline": phase_timeline(consultation) if consultation else []}
    return render(request, "proposals/home.html", context)
