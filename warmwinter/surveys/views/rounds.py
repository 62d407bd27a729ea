from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path


@login_required
def round_list_view(request):
    return HttpResponse("")  # placeholder until the survey pages land


urlpatterns = [path("", round_list_view, name="round_list")]
