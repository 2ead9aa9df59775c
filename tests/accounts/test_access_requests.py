"""Requests for an account (issue 10 item 1): the public form, the secure-e-mail flag, the
approvers' queue, approval (a new account with a one-time set-password link) and refusal, and
every refusal of bad input."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cse_framework.accounts import access_requests
from cse_framework.accounts.models import AccessRequest, Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.accounts.secure_domains import domains_from_text, is_secure_email
from cse_framework.audit.models import AccessEvent
from cse_framework.notices.models import NoticeRecipient, OutboxMessage
from tests.factories.accounts import AgencyFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = "/account/request/"
QUEUE = "/account/requests/"
SECURE = "pnn.police.uk\nnhs.net\n"


# --- The secure e-mail rule (domain.md section 3) ---------------------------------------------


@pytest.mark.parametrize(
    ("email", "secure"),
    [
        ("ada.quill@nhs.net", True),
        ("Ada.Quill@NHS.NET", True),
        ("ada.quill@trust.nhs.net", True),
        ("ada.quill@nhs.net.", True),
        ("ada.quill@notnhs.net", False),
        ("ada.quill@nhs.net.example.org", False),
        ("ada.quill@example.org", False),
        ("ada.quill@met.pnn.police.uk", True),
        ("not-an-address", False),
        ("", False),
    ],
)
def test_secure_email_matches_domain_and_subdomains_whatever_the_capitals(email, secure):
    assert is_secure_email(email, SECURE) is secure


def test_secure_domains_read_one_a_line_with_prefixes_and_blanks():
    assert domains_from_text(" @NHS.net \n\n*.gcsx.gov.uk\n.cjsm.net\n") == [
        "nhs.net",
        "gcsx.gov.uk",
        "cjsm.net",
    ]
    assert not is_secure_email("ada@nhs.net", "")


# --- Asking ------------------------------------------------------------------------------------


@pytest.fixture
def health():
    return AgencyFactory(
        name="Fenmoor health trust", kind=Agency.Kind.HEALTH, secure_email_domains=SECURE
    )


@pytest.fixture
def approver(health):
    return UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=health)


def _fields(agency, **changes):
    fields = {
        "full_name": "Ada Quillfeather",
        "email": "ada.quillfeather@nhs.net",
        "job_title": "School nurse",
        "phone": "01632 960001",
        "agency": agency.pk,
        "team": "",
        "reason": "To refer children I am worried about.",
    }
    return {**fields, **changes}


def _submit(agency, **changes):
    fields = _fields(agency, **changes)
    fields["agency"] = agency
    fields["team"] = changes.get("team") or None
    return access_requests.access_request_submit(**fields)


def test_a_request_from_a_secure_address_tells_only_that_agencys_approvers(
    client, health, approver
):
    other_approver = UserFactory(roles=[RoleCode.AGENCY_APPROVER])
    response = client.post(FORM, _fields(health))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:access-request-sent")
    request = AccessRequest.objects.get()
    assert request.email == "ada.quillfeather@nhs.net"
    assert request.is_waiting and not request.flagged
    told = set(NoticeRecipient.objects.values_list("user_id", flat=True))
    assert told == {approver.pk}
    assert other_approver.pk not in told
    message = OutboxMessage.objects.get(recipient=approver)
    assert message.link == reverse("accounts:access-request-detail", kwargs={"pk": request.pk})
    assert "Quillfeather" not in message.subject


def test_a_request_from_outside_the_secure_domains_is_flagged_not_refused(health, approver):
    request = _submit(health, email="ada.quillfeather@example.org")
    assert request.flagged
    assert "not in one of Fenmoor health trust's secure email domains" in request.flag_reason
    assert "flagged" in NoticeRecipient.objects.get(user=approver).notice.subject


def test_an_agency_with_no_secure_domains_flags_every_request():
    agency = AgencyFactory(name="Riverside academy", kind=Agency.Kind.EDUCATION)
    request = _submit(agency, email="teacher@riverside.example.org")
    assert request.flagged
    assert "has not listed any secure email domains" in request.flag_reason


def test_with_no_approver_the_system_administrators_are_told(health):
    administrator = UserFactory(roles=[RoleCode.SYSTEM_ADMINISTRATOR])
    _submit(health)
    assert list(NoticeRecipient.objects.values_list("user_id", flat=True)) == [administrator.pk]


def test_the_form_keeps_what_was_typed_and_says_what_is_missing(client, health):
    response = client.post(FORM, _fields(health, full_name="", phone=""))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter your full name" in body
    assert "Enter your work phone number" in body
    assert 'value="ada.quillfeather@nhs.net"' in body
    assert "To refer children I am worried about." in body
    assert not AccessRequest.objects.exists()


def test_a_second_request_for_the_same_address_is_refused_while_one_waits(client, health):
    _submit(health)
    response = client.post(FORM, _fields(health, email="ADA.Quillfeather@nhs.net"))
    assert response.status_code == 200
    assert "A request for this email address is already waiting" in response.content.decode()
    assert AccessRequest.objects.count() == 1


def test_a_refused_request_may_be_asked_again(health, approver):
    first = _submit(health)
    administrator = UserFactory(roles=[RoleCode.SYSTEM_ADMINISTRATOR])
    access_requests.access_request_refuse(pk=first.pk, by=administrator, reason="Not our staff.")
    assert _submit(health).pk != first.pk


def test_an_address_with_an_account_gets_the_same_page_and_an_email_instead(client, health):
    existing = UserFactory(email="ada.quillfeather@nhs.net", agency=health)
    response = client.post(FORM, _fields(health, email="Ada.Quillfeather@nhs.net"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:access-request-sent")
    assert not AccessRequest.objects.exists()
    message = OutboxMessage.objects.get()
    assert message.recipient == existing
    assert message.link == reverse("accounts:password-reset")


def test_a_team_of_another_agency_is_refused(client, health):
    elsewhere = TeamFactory()
    response = client.post(FORM, _fields(health, team=elsewhere.pk))
    assert "Choose a team of the agency you chose, or no team" in response.content.decode()
    assert not AccessRequest.objects.exists()
    with pytest.raises(ValidationError):
        _submit(health, team=elsewhere)


# --- The queue -------------------------------------------------------------------------------


def test_an_approver_sees_only_their_agencys_requests(client_for, health, approver):
    mine = _submit(health)
    theirs = _submit(AgencyFactory(name="Other agency"), email="someone@example.org")
    http = client_for(user=approver)
    body = http.get(QUEUE).content.decode()
    assert mine.reference in body and theirs.reference not in body
    assert (
        http.get(reverse("accounts:access-request-detail", kwargs={"pk": theirs.pk})).status_code
        == 404
    )
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    body = administrator.get(QUEUE).content.decode()
    assert mine.reference in body and theirs.reference in body


def test_the_queue_shows_the_flag_with_its_reason(client_for, health, approver):
    _submit(health, email="ada@example.org")
    body = client_for(user=approver).get(QUEUE).content.decode()
    assert "Flagged" in body
    assert "secure email domains" in body


def test_the_queue_takes_the_same_queries_whatever_the_number_of_requests(
    client_for, health, approver, django_assert_max_num_queries
):
    http = client_for(user=approver)
    for n in range(3):
        _submit(health, email=f"person{n}@nhs.net")
    with django_assert_max_num_queries(12) as few:
        http.get(QUEUE)
    for n in range(3, 15):
        _submit(health, email=f"person{n}@nhs.net")
    with django_assert_max_num_queries(len(few.captured_queries)):
        http.get(QUEUE)


def test_other_roles_may_not_open_the_queue(client_for):
    assert client_for(RoleCode.SHIELD_TEAM_MANAGER).get(QUEUE).status_code == 403


# --- Approving ---------------------------------------------------------------------------------


def _approve_url(request):
    return reverse("accounts:access-request-approve", kwargs={"pk": request.pk})


def test_approval_makes_the_account_and_emails_a_set_password_link(client_for, health, approver):
    request = _submit(health)
    http = client_for(user=approver)
    page = http.get(reverse("accounts:access-request-detail", kwargs={"pk": request.pk}))
    assert "Health representative" in page.content.decode()  # offered to a health agency
    response = http.post(
        _approve_url(request), {"roles": [RoleCode.REFERRER, RoleCode.HEALTH_REPRESENTATIVE]}
    )
    assert response.status_code == 302
    user = User.objects.get(email="ada.quillfeather@nhs.net")
    assert user.agency == health and user.is_active
    assert not user.has_usable_password()
    assert user.role_codes == {RoleCode.REFERRER, RoleCode.HEALTH_REPRESENTATIVE}
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.APPROVED
    assert request.decided_by == approver and request.user == user
    assert request.history.first().history_change_reason == "approved"
    page = http.get(reverse("accounts:access-request-detail", kwargs={"pk": request.pk}))
    assert "Referrer (partner professional), Health representative" in page.content.decode()
    assert "approved by" in user.history.first().history_change_reason
    message = OutboxMessage.objects.get(recipient=user)
    assert message.link.startswith("/account/set-password/")
    events = AccessEvent.objects.filter(user=approver).exclude(action=AccessEvent.Action.VIEW)
    assert {(event.action, event.object_type) for event in events} == {
        ("change", "accounts.accessrequest"),
        ("create", "accounts.user"),
    }


def test_an_approver_offers_only_partner_roles(client_for, approver, health):
    request = _submit(health)
    response = client_for(user=approver).post(
        _approve_url(request), {"roles": [RoleCode.SHIELD_WORKER]}
    )
    assert response.status_code == 200
    assert "Choose only from the roles listed" in response.content.decode()
    assert not User.objects.filter(email=request.email).exists()
    education = AgencyFactory(name="Riverside academy", kind=Agency.Kind.EDUCATION)
    other = _submit(education, email="teacher@example.org")
    with pytest.raises(ValidationError):
        access_requests.access_request_approve(
            pk=other.pk,
            by=UserFactory(roles=[RoleCode.SYSTEM_ADMINISTRATOR]),
            roles=[RoleCode.HEALTH_REPRESENTATIVE],
            address_checked=True,
        )


def test_approving_a_flagged_request_needs_the_address_checked(client_for, health, approver):
    request = _submit(health, email="ada@example.org")
    http = client_for(user=approver)
    response = http.post(_approve_url(request), {"roles": [RoleCode.REFERRER]})
    assert response.status_code == 200
    assert "confirm you have checked the email address" in response.content.decode()
    assert not User.objects.filter(email="ada@example.org").exists()
    response = http.post(
        _approve_url(request), {"roles": [RoleCode.REFERRER], "address_checked": "on"}
    )
    assert response.status_code == 302
    assert User.objects.filter(email="ada@example.org").exists()
    event = AccessEvent.objects.get(object_type="accounts.accessrequest", action="change")
    assert "checked the flagged email address" in event.justification


def test_a_request_decided_already_cannot_be_decided_again(client_for, health, approver):
    """Two approvers at once: the second is told, and nothing changes."""
    request = _submit(health)
    second = UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=health)
    access_requests.access_request_approve(pk=request.pk, by=approver, roles=[RoleCode.REFERRER])
    response = client_for(user=second).post(
        reverse("accounts:access-request-refuse", kwargs={"pk": request.pk}), {"reason": "No."}
    )
    assert response.status_code == 302  # back to the request, which says it is decided
    with pytest.raises(ValidationError, match="already been approved by"):
        access_requests.access_request_refuse(pk=request.pk, by=second, reason="No.")
    response = client_for(user=second).post(_approve_url(request), {"roles": [RoleCode.REFERRER]})
    assert "already been approved" in response.content.decode()
    request.refresh_from_db()
    assert request.decided_by == approver and request.status == "approved"
    assert User.objects.filter(email=request.email).count() == 1


def test_approval_is_refused_if_the_address_has_an_account_by_then(health, approver):
    request = _submit(health)
    UserFactory(email=request.email)
    with pytest.raises(ValidationError, match="already exists"):
        access_requests.access_request_approve(
            pk=request.pk, by=approver, roles=[RoleCode.REFERRER]
        )
    request.refresh_from_db()
    assert request.is_waiting


def test_another_agencys_approver_cannot_decide(health):
    request = _submit(health)
    stranger = UserFactory(roles=[RoleCode.AGENCY_APPROVER])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        access_requests.access_request_refuse(pk=request.pk, by=stranger, reason="No.")


# --- Refusing ----------------------------------------------------------------------------------


def test_refusal_needs_a_reason_keeps_it_and_emails_the_person(client_for, health, approver):
    request = _submit(health)
    http = client_for(user=approver)
    url = reverse("accounts:access-request-refuse", kwargs={"pk": request.pk})
    response = http.post(url, {"reason": ""})
    assert "Enter why you are refusing this request" in response.content.decode()
    response = http.post(url, {"reason": "Not known to our service."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.REFUSED
    assert request.refusal_reason == "Not known to our service."
    message = OutboxMessage.objects.get(address=request.email)
    assert "not approved" in message.subject
    event = AccessEvent.objects.get(object_type="accounts.accessrequest", action="change")
    assert event.justification == "Access request refused: Not known to our service."
    assert not User.objects.filter(email=request.email).exists()


@pytest.mark.django_db(transaction=True)
def test_two_approvers_deciding_at_once_only_one_succeeds():
    """On PostgreSQL the request row is locked (SELECT ... FOR UPDATE): of two approvers deciding
    at the same moment in two connections, one decides and the other is told it is decided."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    import threading

    from django.db import connections

    agency = AgencyFactory(
        name="Fenmoor health trust", kind=Agency.Kind.HEALTH, secure_email_domains=SECURE
    )
    first = UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=agency)
    second = UserFactory(roles=[RoleCode.AGENCY_APPROVER], agency=agency)
    request = _submit(agency)
    start = threading.Barrier(2)
    outcomes = []

    def decide(by, decision):
        try:
            start.wait()
            decision(by)
            outcomes.append("decided")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    approve = lambda by: access_requests.access_request_approve(  # noqa: E731
        pk=request.pk, by=by, roles=[RoleCode.REFERRER]
    )
    refuse = lambda by: access_requests.access_request_refuse(  # noqa: E731
        pk=request.pk, by=by, reason="Not our staff."
    )
    threads = [
        threading.Thread(target=decide, args=(first, approve)),
        threading.Thread(target=decide, args=(second, refuse)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("decided") == 1, outcomes
    assert "has already been" in [o for o in outcomes if o != "decided"][0]
    request.refresh_from_db()
    assert request.status in ("approved", "refused")
    assert User.objects.filter(email=request.email).count() == (request.status == "approved")


def test_a_system_administrator_edits_the_secure_domains_in_the_admin(client_for, health):
    administrator = client_for(RoleCode.SYSTEM_ADMINISTRATOR)
    url = reverse("admin:accounts_agency_change", args=[health.pk])
    assert 'name="secure_email_domains"' in administrator.get(url).content.decode()
    response = administrator.post(
        url, {"name": health.name, "kind": health.kind, "secure_email_domains": "cjsm.net\n"}
    )
    assert response.status_code == 302
    health.refresh_from_db()
    assert is_secure_email("someone@cjsm.net", health.secure_email_domains)
