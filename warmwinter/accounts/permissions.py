"""The one table of who may do what: each domain action -> the roles allowed to do it.

Scope (which regions) is decided by accounts.scoping from the user's memberships; this table
only says which memberships count for an action. Default deny: an action missing here is
allowed to nobody.
"""

from __future__ import annotations

from warmwinter.accounts.roles import Role

ALL_ROLES = frozenset(Role)
READ_ONLY_OVERSIGHT = frozenset({Role.SUPERVISOR, Role.AUDITOR})

ACTIONS: dict[str, frozenset[Role]] = {
    # regions
    "region.view": ALL_ROLES,
    "region.import": frozenset({Role.ADMIN, Role.COUNTY_OFFICER}),
    "management_area.manage": frozenset({Role.ADMIN, Role.COUNTY_OFFICER, Role.TOWNSHIP_OFFICER}),
    # accounts
    "user.view": frozenset({Role.ADMIN, Role.AUDITOR}),
    "user.manage": frozenset({Role.ADMIN}),
    # audit
    "audit.view": frozenset({Role.AUDITOR, Role.ADMIN}),
    # dashboard
    "dashboard.view": ALL_ROLES,
    # registry (台账)
    "registry.view": ALL_ROLES - {Role.CHARITY_ORGANIZER, Role.WAREHOUSE_KEEPER, Role.PATROL_MEMBER},
    "registry.edit": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN}),
    "registry.import": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN}),
    "registry.export": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}),
    # Full resident ID numbers: only roles whose work needs them (verification, payment,
    # rescue-station family search); every full view is audited with a reason.
    "person.view_id_number": frozenset({
        Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.EMERGENCY_APPROVER,
        Role.FINANCE_OFFICER, Role.STATION_STAFF,
    }),
    "category.manage": frozenset({Role.ADMIN, Role.COUNTY_OFFICER}),
    "duplicate.resolve": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}),
    "crosscheck.run": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR}),
    # surveys (摸排)
    "survey.view": ALL_ROLES - {Role.CHARITY_ORGANIZER, Role.WAREHOUSE_KEEPER},
    "survey.manage": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN}),
    "survey.respond": frozenset({Role.VILLAGE_CLERK, Role.HELPER, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}),
    "survey.report": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}),  # the unit's 现状、问题、对策、建议
    "survey.export": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}),
    # 四不两直: the inspection office (督查室) and county officers draw samples and re-visit.
    "spot_check.run": frozenset({Role.SUPERVISOR, Role.COUNTY_OFFICER}),
    # the problem list (问题清单)
    "hazard.view": ALL_ROLES - {Role.CHARITY_ORGANIZER, Role.WAREHOUSE_KEEPER},
    "hazard.report": frozenset({
        Role.VILLAGE_CLERK, Role.HELPER, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.PATROL_MEMBER,
        Role.STATION_STAFF, Role.SUPERVISOR, Role.EMERGENCY_APPROVER,
    }),
    "hazard.handle": frozenset({Role.VILLAGE_CLERK, Role.HELPER, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.STATION_STAFF}),
    "hazard.verify": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR}),
    "hazard.close": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}),
    # helping contacts (帮扶联系): campaigns, the key-focus roster, helpers, contacts, compliance
    "care.view": ALL_ROLES - {Role.CHARITY_ORGANIZER, Role.WAREHOUSE_KEEPER},
    "care.manage": frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN}),
    "care.roster": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER}),
    "care.contact": frozenset({Role.HELPER, Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER}),
    "care.file": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER}),
    "care.export": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}),
    # weather warnings (气象预警)
    "alert.view": ALL_ROLES,
    "alert.manage": frozenset({Role.COUNTY_OFFICER, Role.EMERGENCY_APPROVER, Role.TOWNSHIP_OFFICER, Role.ADMIN}),
    "alert_rule.manage": frozenset({Role.COUNTY_OFFICER, Role.ADMIN}),
    # premises (场所) and their fire-safety inspections
    "premises.view": ALL_ROLES - {Role.CHARITY_ORGANIZER, Role.WAREHOUSE_KEEPER},
    "premises.manage": frozenset({Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.ADMIN}),
    "premises.inspect": frozenset({
        Role.VILLAGE_CLERK, Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.STATION_STAFF, Role.SUPERVISOR, Role.EMERGENCY_APPROVER,
    }),
}


def roles_for(action: str) -> frozenset[Role]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}: add it to accounts.permissions.ACTIONS") from None


def role_may(role: str, action: str) -> bool:
    return role in roles_for(action)
