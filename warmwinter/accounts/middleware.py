from django.shortcuts import redirect
from django.urls import reverse

OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/api/", "/accounts/logout", "/accounts/totp", "/accounts/login")


class SecondFactorMiddleware:
    """Users whose role needs TOTP cannot use pages until they have enrolled one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and not user.totp_confirmed
            and user.needs_second_factor()
        ):
            return redirect(reverse("accounts:totp_enrol"))
        return self.get_response(request)


class ActiveMembershipMiddleware:
    """Apply the region switcher: the membership picked in this session narrows what pages show."""

    SESSION_KEY = "active_membership"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            membership_id = request.session.get(self.SESSION_KEY)
            if membership_id:
                membership = user.memberships.filter(pk=membership_id, active=True).select_related("region").first()
                if membership is None:
                    request.session.pop(self.SESSION_KEY, None)
                user.active_membership = membership
        return self.get_response(request)
