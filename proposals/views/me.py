"""My participation: one page with everything the signed-in person did, each item leading back to it."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from ..selectors.participation import participation_of


@login_required
def participation(request):
    response = render(request, "proposals/participation.html", {"me": participation_of(request.user)})
    response["Cache-Control"] = "private, no-store"
    return response
