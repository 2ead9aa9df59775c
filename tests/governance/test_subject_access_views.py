"""Subject access in the browser: who may do what, what each page shows and logs."""

import datetime as dt

import pytest
from django.urls import reverse

from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from governance.subject_access import services
from governance.subject_access.models import SubjectAccessPack, SubjectAccessRequest
from tests.factories.accounts import UserFactory
from tests.factories.referrals import ChildFactory

pytestmark = pytest.mark.django_db

IG = RoleCode.INFORMATION_GOVERNANCE
MANAGER = RoleCode.SERVICE_MANAGER


def request_form(**overrides):
    return {
        "requester_kind": "young_person",
        "requester_name": "Rowan Ashdown-Pell",
        "received_on_0": "2",
        "received_on_1": "11",
        "received_on_2": "2026",
        "identity_checked": "yes",
        "notes": "",
        **overrides,
    }


def make_request(child=None, by=None):
    return services.request_record(
        child=child or ChildFactory(),
        by=by or UserFactory(roles=[MANAGER]),
        requester_kind="young_person",
        requester_name="Rowan Ashdown-Pell",
        received_on=dt.date(2026, 11, 2),
        identity_checked=True,
    )


def stored_pack(sar, *, number=1, police_only=False):
    """A pack as stored (no rendering), for the pages' rules."""
    return SubjectAccessPack.objects.create(
        request=sar,
        number=number,
        made_by=sar.recorded_by,
        pdf=b"%PDF-1.7 stored",
        data=(
            b'{"chronology": [], "sections": [{"key": "register", "records": [{"ref": "child-1",'
            b' "title": "R",'
            b' "kind": "R", "review": null, "marker": "", "fields": [], "versions": []}]}],'
            b' "review_items": [{"ref": "child-1", "title": "R", "label": "Third party:'
            b' redaction review", "note": "n", "reason": "third_party"}]}'
        ),
        police_only_content=police_only,
    )


def test_a_manager_records_a_request_from_the_childs_record(client_for):
    child = ChildFactory()
    client = client_for(MANAGER)
    url = reverse("subject_access:new", kwargs={"child_pk": child.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert str(child) in page.content.decode()
    assert AccessEvent.objects.filter(action="view", child_id=child.pk).exists()
    answer = client.post(url, request_form())
    sar = SubjectAccessRequest.objects.get(child=child)
    assert answer.status_code == 302 and answer["Location"] == sar.get_absolute_url()
    assert sar.deadline.owner == client.user
    assert sar.requester_name == "Rowan Ashdown-Pell"


def test_the_form_keeps_what_was_typed_on_error(client_for):
    child = ChildFactory()
    client = client_for(MANAGER)
    url = reverse("subject_access:new", kwargs={"child_pk": child.pk})
    page = client.post(url, request_form(requester_name="", notes="Came to reception"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Enter the name of the person who asked" in body
    assert "Came to reception" in body
    assert not SubjectAccessRequest.objects.exists()


def test_the_ig_officer_starts_a_request_from_a_record_number(client_for):
    """The IG officer does not see the register: they reach a child only through subject
    access, by the record number, and that page is in the access log."""
    child = ChildFactory()
    client = client_for(IG)
    assert client.get(reverse("referrals:child-detail", kwargs={"pk": child.pk})).status_code in (
        403,
        404,
    )
    answer = client.post(reverse("subject_access:find"), {"record_number": str(child.pk)})
    new = reverse("subject_access:new", kwargs={"child_pk": child.pk})
    assert answer.status_code == 302 and answer["Location"] == new
    assert client.post(new, request_form()).status_code == 302
    assert SubjectAccessRequest.objects.get(child=child).recorded_by == client.user


def test_an_unknown_record_number_is_refused_clearly(client_for):
    client = client_for(IG)
    page = client.post(reverse("subject_access:find"), {"record_number": "not-a-number"})
    assert "Enter the record number as it is shown" in page.content.decode()
    page = client.post(
        reverse("subject_access:find"),
        {"record_number": "00000000-0000-4000-8000-000000000000"},
    )
    assert "No child you may start a request for has that number" in page.content.decode()


def test_a_merged_record_cannot_take_a_request(client_for):
    kept = ChildFactory()
    merged = ChildFactory(merged_into=kept)
    client = client_for(MANAGER)
    url = reverse("subject_access:new", kwargs={"child_pk": merged.pk})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [RoleCode.SHIELD_WORKER, RoleCode.REFERRER, RoleCode.LSCB_ANALYST])
def test_other_roles_cannot_open_subject_access(client_for, role):
    sar = make_request()
    client = client_for(role)
    assert client.get(reverse("subject_access:index")).status_code == 403
    assert client.get(sar.get_absolute_url()).status_code == 404


def test_the_list_has_a_fixed_number_of_queries(client_for, django_assert_max_num_queries):
    """Open requests, paginated; the queries do not grow with the rows."""
    client = client_for(MANAGER)
    url = reverse("subject_access:index")
    make_request()
    client.get(url)  # warm: the session, the user, the navigation
    with django_assert_max_num_queries(10) as few:
        assert client.get(url).status_code == 200
    for _ in range(30):
        make_request()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    body = page.content.decode()
    assert "Page 1 of 2" in body
    assert AccessEvent.objects.filter(action="view", user=client.user).count() >= 1 + 25


def test_completed_requests_leave_the_list(client_for):
    sar = make_request()
    stored_pack(sar)
    services.request_complete(sar=sar, by=sar.recorded_by, sent_to="Rowan", sent_how="By hand")
    page = client_for(MANAGER).get(reverse("subject_access:index"))
    assert sar.reference not in page.content.decode()


def test_the_request_page_lists_review_items_and_redactions(client_for):
    sar = make_request()
    stored_pack(sar)
    client = client_for(MANAGER)
    client.post(
        reverse("subject_access:redaction-new", kwargs={"pk": sar.pk}),
        {"item_ref": "child-1", "reason": "third_party", "note": ""},
    )
    body = client.get(sar.get_absolute_url()).content.decode()
    assert "Third party: redaction review" in body
    assert "Redacted" in body
    log = client.get(reverse("subject_access:redaction-log", kwargs={"pk": sar.pk}))
    assert log["Content-Type"] == "text/csv"
    assert "child-1,Third-party information" in log.content.decode()
    assert AccessEvent.objects.filter(
        action="export", object_id=str(sar.pk), justification="Redaction log"
    ).exists()


def test_a_bad_redaction_shows_the_error_and_keeps_the_input(client_for):
    sar = make_request()
    stored_pack(sar)
    page = client_for(MANAGER).post(
        reverse("subject_access:redaction-new", kwargs={"pk": sar.pk}),
        {"item_ref": "child-1", "reason": "other", "note": ""},
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Say why the item is redacted" in body and 'value="child-1"' in body


def test_a_download_is_the_same_file_each_time_and_logged(client_for):
    sar = make_request()
    pack = stored_pack(sar)
    client = client_for(MANAGER)
    url = reverse("subject_access:download", kwargs={"pk": sar.pk, "number": 1, "fmt": "pdf"})
    first, second = client.get(url), client.get(url)
    assert first.content == second.content == b"%PDF-1.7 stored"
    assert f"{sar.reference}-pack-1.pdf" in first["Content-Disposition"]
    events = AccessEvent.objects.filter(action="export", object_id=str(pack.pk))
    assert events.count() == 2 and events.first().child_id == sar.child_id
    data = client.get(
        reverse("subject_access:download", kwargs={"pk": sar.pk, "number": 1, "fmt": "json"})
    )
    assert data["Content-Type"] == "application/json"


def test_a_pack_holding_police_only_intelligence_is_for_police_only_users(client_for):
    sar = make_request()
    stored_pack(sar, police_only=True)
    url = reverse("subject_access:download", kwargs={"pk": sar.pk, "number": 1, "fmt": "pdf"})
    manager = client_for(MANAGER)
    assert manager.get(url).status_code == 404
    assert AccessEvent.objects.filter(action="deny", user=manager.user).exists()
    assert "Police only" in manager.get(sar.get_absolute_url()).content.decode()
    police = client_for(MANAGER, RoleCode.POLICE_INTELLIGENCE_OFFICER)
    assert police.get(url).status_code == 200


def test_making_the_pack_and_completing_through_the_pages(client_for):
    sar = make_request()
    client = client_for(IG)
    answer = client.post(reverse("subject_access:pack-make", kwargs={"pk": sar.pk}))
    assert answer.status_code == 302
    pack = sar.packs.get()
    assert bytes(pack.pdf)[:4] == b"%PDF"
    answer = client.post(reverse("subject_access:disclosure-make", kwargs={"pk": sar.pk}))
    assert sar.packs.filter(kind="disclosure").exists()
    answer = client.post(
        reverse("subject_access:complete", kwargs={"pk": sar.pk}),
        {"sent_to": "Rowan Ashdown-Pell", "sent_how": "Secure e-mail"},
    )
    assert answer.status_code == 302
    sar.refresh_from_db()
    assert sar.status == "completed" and sar.deadline.met_at is not None
    # Nothing more can be done on a completed request.
    assert client.get(reverse("subject_access:complete", kwargs={"pk": sar.pk})).status_code == 404
