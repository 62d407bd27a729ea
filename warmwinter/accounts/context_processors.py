from warmwinter.accounts.scoping import can
from warmwinter.notifications.services import unread_count


def memberships(request):
    """The signed-in user's memberships (region switcher) and which menu entries to show."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_memberships": list(user.memberships.filter(active=True).select_related("region").order_by("region_id", "role")),
        "active_membership": getattr(user, "active_membership", None),
        "perms_user_view": can(user, "user.view"),
        "perms_audit_view": can(user, "audit.view"),
        "perms_registry_view": can(user, "registry.view"),
        "perms_registry_import": can(user, "registry.import"),
        "perms_registry_export": can(user, "registry.export"),
        "perms_survey_view": can(user, "survey.view"),
        "perms_hazard_view": can(user, "hazard.view"),
        "perms_premises_view": can(user, "premises.view"),
        "perms_care_view": can(user, "care.view"),
        "unread_notifications": unread_count(user),
    }
