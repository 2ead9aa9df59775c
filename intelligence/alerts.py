"""'Children linked' alerts reach the right people (issue 8, item 5; D12, D21).

Each new alert is a notice (a reference and a link, never a child's details: D21) to police-only
users in full, and to Shield team managers: the same when the alert rests on nothing
police-only, otherwise only "Possible link - contact police" (D12). Notices are written in the
caller's transaction (the outbox sends them after commit)."""

from django.urls import reverse

from cse_framework.accounts.models import User
from cse_framework.accounts.roles import RoleCode
from cse_framework.notices.services import notify
from intelligence import linking
from intelligence.models import LinkAlert
from intelligence.policy import POLICE_ONLY_ROLES

POSSIBLE_LINK = "Possible link - contact police"
ENTITY_KINDS = {
    "person": "person",
    "location": "place",
    "vehicle": "vehicle",
    "phone": "phone number",
    "onlinehandle": "online handle",
}


def alert_reference(alert: LinkAlert) -> str:
    return f"LINK-{alert.pk:06d}"


def alert_link(alert: LinkAlert) -> str:
    return reverse("intelligence:alert-detail", kwargs={"pk": alert.pk})


def alert_kind(alert: LinkAlert) -> str:
    """What the children share, in words ("vehicle", "online handle")."""
    model = alert.entity_type.model_class()._meta.model_name
    return ENTITY_KINDS.get(model, "record")


def alert_subject(alert: LinkAlert) -> str:
    return f"Children linked through a shared {alert_kind(alert)}"


def _police_only_users():
    return User.objects.filter(roles__code__in=POLICE_ONLY_ROLES, is_active=True).distinct()


def _shield_managers():
    # A manager who is also police-only has the full notice already.
    return (
        User.objects.filter(roles__code=RoleCode.SHIELD_TEAM_MANAGER, is_active=True)
        .exclude(roles__code__in=POLICE_ONLY_ROLES)
        .distinct()
    )


def alerts_notify(alerts) -> None:
    """A notice for each new alert: in full to police-only users; to Shield team managers in
    full unless the alert rests on police-only intelligence, then only "possible link"."""
    if not alerts:
        return
    police = list(_police_only_users())
    managers = list(_shield_managers())
    for alert in alerts:
        reference, link, subject = alert_reference(alert), alert_link(alert), alert_subject(alert)
        if alert.police_only:
            notify(recipients=police, subject=subject, reference=reference, link=link)
            notify(recipients=managers, subject=POSSIBLE_LINK, reference=reference, link=link)
        else:
            notify(recipients=police + managers, subject=subject, reference=reference, link=link)


def child_link_and_alert(**arguments):
    """``linking.child_link`` and a notice for each alert it raises; same arguments and result."""
    link, alerts = linking.child_link(**arguments)
    alerts_notify(alerts)
    return link, alerts
