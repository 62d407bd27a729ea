from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from warmwinter.reports.selectors import home_counts


@login_required
def home_view(request):
    return render(request, "reports/home.html", {"counts": home_counts(user=request.user)})
