from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from warmwinter.accounts.scoping import memberships_of
from warmwinter.regions.selectors import access_region, region_children


@login_required
def region_root_view(request):
    """Start browsing at the user's (first) membership region."""
    mine = memberships_of(request.user)
    if not mine:
        return render(request, "regions/region_detail.html", {"region": None, "children": []})
    return redirect("regions:detail", code=mine[0].region_id)


@login_required
def region_detail_view(request, code: str):
    region = access_region(request.user, code)
    ancestors, parent = [], region.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    children = region_children(user=request.user, region=region).select_related("management_area")
    return render(request, "regions/region_detail.html", {"region": region, "ancestors": ancestors, "children": children})
