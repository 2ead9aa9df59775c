"""Requests for an account: a partner professional asks, their agency's approver decides.

* A request is refused while another for the same address waits for a decision.
* An address that already has an account gets no request: the requester sees the same
  confirmation page as anyone else (the form is public, so it does not say which addresses have
  accounts) and the account's address is e-mailed instead.
* An address outside the agency's secure e-mail domains is flagged, not refused; approving a
  flagged request needs the approver to confirm they checked the address.
* Two approvers deciding at once: the request row is locked and its status read again, so the
  second is told it has already been decided.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cse_framework.accounts import policy
from cse_framework.accounts.models import AccessRequest, Agency, Role, Team, User
from cse_framework.accounts.resets import set_password_link
from cse_framework.accounts.roles import RoleCode
from cse_framework.accounts.secure_domains import is_secure_email
from cse_framework.audit import services as audit
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.services import notify, outbox_enqueue

ALREADY_WAITING = (
    "A request for this email address is already waiting for a decision. Your agency's "
    "approver will email you when they have decided"
)


def flag_reason_for(*, email: str, agency: Agency) -> str:
    """Why a request from ``email`` is flagged to ``agency``'s approver ("" if it is not)."""
    if not agency.secure_email_domains.strip():
        return f"{agency} has not listed any secure email domains, so the address cannot be checked"
    if not is_secure_email(email, agency.secure_email_domains):
        return f"The email address is not in one of {agency}'s secure email domains"
    return ""


def approvers_of(agency: Agency):
    """Who is told of a new request: the agency's approvers; if it has none, the system
    administrators, so no request waits unseen."""
    active = User.objects.filter(is_active=True)
    approvers = list(active.filter(roles=RoleCode.AGENCY_APPROVER, agency=agency))
    return approvers or list(active.filter(roles=RoleCode.SYSTEM_ADMINISTRATOR))


@transaction.atomic
def access_request_submit(
    *,
    full_name: str,
    email: str,
    job_title: str,
    phone: str,
    agency: Agency,
    team: Team | None,
    reason: str,
    now=None,
) -> AccessRequest | None:
    """Record a request and tell the agency's approvers; None if the address has an account
    (that account's address is e-mailed instead)."""
    email = email.strip().lower()
    if team is not None and team.agency_id != agency.pk:
        raise ValidationError({"team": "Choose a team of the agency you chose, or no team"})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        outbox_enqueue(
            recipient=existing,
            subject=(
                "Someone asked for an account for this address, which already has one. "
                "Use 'Forgotten your password?' to sign in"
                if existing.is_active
                else "Someone asked for an account for this address, which has been closed. "
                "Ask your agency's approver"
            ),
            reference="Your account",
            link=reverse("accounts:password-reset"),
        )
        return None
    if AccessRequest.objects.filter(email=email, status=AccessRequest.Status.WAITING).exists():
        raise ValidationError({"email": ALREADY_WAITING})
    flag = flag_reason_for(email=email, agency=agency)
    access_request = AccessRequest(
        full_name=full_name.strip(),
        email=email,
        job_title=job_title.strip(),
        phone=phone.strip(),
        agency=agency,
        team=team,
        reason=reason.strip(),
        flagged=bool(flag),
        flag_reason=flag,
        created_at=now or timezone.now(),
    )
    access_request.full_clean(validate_constraints=False)
    access_request._change_reason = "requested by the applicant"
    try:
        with transaction.atomic():
            access_request.save()
    except IntegrityError as error:  # the same address sent twice at once
        raise ValidationError({"email": ALREADY_WAITING}) from error
    notify(
        recipients=approvers_of(agency),
        subject="A request for an account is waiting for your decision"
        + (" (flagged: check the email address)" if flag else ""),
        reference=access_request.reference,
        link=reverse("accounts:access-request-detail", kwargs={"pk": access_request.pk}),
    )
    return access_request


def _locked_waiting(*, pk: int, by: User) -> AccessRequest:
    access_request = AccessRequest.objects.select_for_update().select_related("agency").get(pk=pk)
    if not policy.may_decide(by, access_request):
        raise PermissionDenied
    if not access_request.is_waiting:
        who = access_request.decided_by or "another approver"
        raise ValidationError(
            f"This request has already been {access_request.get_status_display().lower()} "
            f"by {who}. Nothing was changed"
        )
    return access_request


@transaction.atomic
def access_request_approve(
    *,
    pk: int,
    by: User,
    roles: list[str],
    address_checked: bool = False,
    now=None,
) -> User:
    """Approve: the account is made with the roles chosen (partner roles only) and no password,
    and the person is e-mailed a one-time link to set one; they set up their second factor when
    they first sign in."""
    access_request = _locked_waiting(pk=pk, by=by)
    allowed = set(policy.approvable_roles(access_request.agency))
    roles = [RoleCode(role) for role in dict.fromkeys(roles)]
    if not roles:
        raise ValidationError({"roles": "Choose at least one role"})
    if not set(roles) <= allowed:
        raise ValidationError({"roles": "Choose only from the roles listed"})
    if access_request.flagged and not address_checked:
        raise ValidationError(
            {
                "address_checked": (
                    "This request is flagged: confirm you have checked the email address "
                    "belongs to your staff"
                )
            }
        )
    if User.objects.filter(email__iexact=access_request.email).exists():
        raise ValidationError(
            "An account for this email address already exists. Refuse this request instead"
        )
    now = now or timezone.now()
    user = User(
        email=access_request.email,
        full_name=access_request.full_name,
        job_title=access_request.job_title,
        phone=access_request.phone,
        agency=access_request.agency,
        team=access_request.team,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user._change_reason = f"account made from {access_request.reference}, approved by {by.pk}"
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError("An account for this email address already exists") from error
    user.roles.add(*(Role.objects.get_or_create(code=role)[0] for role in roles))
    access_request.status = AccessRequest.Status.APPROVED
    access_request.decided_by = by
    access_request.decided_at = now
    access_request.roles_granted = ",".join(roles)
    access_request.user = user
    access_request._change_reason = "approved"
    access_request.save()
    what = f"Access request approved with roles: {', '.join(role.label for role in roles)}"
    if access_request.flagged:
        what += ". The approver confirmed they checked the flagged email address"
    audit.record_by(
        user=by, action=AccessEvent.Action.CHANGE, obj=access_request, justification=what
    )
    audit.record_by(
        user=by,
        action=AccessEvent.Action.CREATE,
        obj=user,
        justification=f"Account made from {access_request.reference}",
    )
    outbox_enqueue(
        recipient=user,
        subject="Your account has been approved. Set your password: the link works once",
        reference=access_request.reference,
        link=set_password_link(user),
    )
    return user


@transaction.atomic
def access_request_refuse(*, pk: int, by: User, reason: str, now=None) -> AccessRequest:
    """Refuse, with a reason kept on the request; the person is e-mailed."""
    access_request = _locked_waiting(pk=pk, by=by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are refusing this request"})
    access_request.status = AccessRequest.Status.REFUSED
    access_request.decided_by = by
    access_request.decided_at = now or timezone.now()
    access_request.refusal_reason = reason
    access_request._change_reason = "refused"
    access_request.save()
    audit.record_by(
        user=by,
        action=AccessEvent.Action.CHANGE,
        obj=access_request,
        justification=f"Access request refused: {reason}",
    )
    outbox_enqueue(
        address=access_request.email,
        subject=("Your request for an account was not approved. Ask your agency's approver why"),
        reference=access_request.reference,
        link=reverse("accounts:access-request"),
    )
    return access_request
