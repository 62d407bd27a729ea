"""Problem-list and premises pages. Each module here defines `urlpatterns`."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


@login_required
def _placeholder(request):
    return HttpResponse("")  # placeholder until the hazard pages land


URLPATTERNS = [path("", _placeholder, name="hazard_list"), path("premises/", _placeholder, name="premises_list")]
