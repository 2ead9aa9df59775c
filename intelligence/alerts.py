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


def _shield_workers(alert: LinkAlert, told: set) -> list:
    """The Shield workers allocated now to either child, not already told."""
    from shield.models import Allocation

    workers = Allocation.objects.filter(
        child_id__in=[alert.first_child_id, alert.second_child_id],
        ended_at__isnull=True,
        worker__is_active=True,
    ).values_list("worker", flat=True)
    return [person for person in User.objects.filter(pk__in=workers) if person.pk not in told]


def alerts_notify(alerts) -> None:
    """A notice for each new alert: in full to police-only users; to Shield team managers and
    the Shield workers allocated to either child in full unless the alert rests on police-only
    intelligence, then only "possible link"."""
    if not alerts:
        return
    police = list(_police_only_users())
    managers = list(_shield_managers())
    told = {person.pk for person in police + managers}
    for alert in alerts:
        reference, link, subject = alert_reference(alert), alert_link(alert), alert_subject(alert)
        team = managers + _shield_workers(alert, told)
        if alert.police_only:
            notify(recipients=police, subject=subject, reference=reference, link=link)
            notify(recipients=team, subject=POSSIBLE_LINK, reference=reference, link=link)
        else:
            notify(recipients=police + team, subject=subject, reference=reference, link=link)


def child_link_and_alert(**arguments):
    """``linking.child_link`` and a notice for each alert it raises; same arguments and result."""
    link, alerts = linking.child_link(**arguments)
    alerts_notify(alerts)
    return link, alerts
