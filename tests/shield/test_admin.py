"""The CSE2's schemes in the admin (D1): system administrators only; a new version is a copy; one
current scheme; a scheme an assessment used is read-only and the admin says so. No assessment (or
any child's record) is ever in the admin."""

import json

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from cse_framework.accounts.roles import RoleCode
from shield.admin import IN_USE
from shield.models import Assessment, ScoringCategory, ScoringScheme
from shield.models.scheme import SchemeInUseError
from tests.factories.shield import make_assessment, make_case

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/shield/scoringscheme/"


@pytest.fixture
def sysadmin(client_for):
    return client_for(RoleCode.SYSTEM_ADMINISTRATOR)


@pytest.fixture
def default():
    return ScoringScheme.objects.get(code="CSE2-default-v1")


def _change_url(scheme) -> str:
    return reverse("admin:shield_scoringscheme_change", args=[scheme.pk])


def _form(scheme, **changes) -> dict:
    """The change form as the admin posts it: the scheme and each of its rows."""
    data = {
        "code": scheme.code,
        "name": scheme.name,
        "version": scheme.version,
        "judgement_min": scheme.judgement_min,
        "judgement_max": scheme.judgement_max,
        "notes": scheme.notes,
    }
    rows = {
        "categories": (
            scheme.categories.all(),
            [
                "number",
                "name",
                "guidance",
                "min_score",
                "max_score",
                "evidence_required_above",
                "anchors",
            ],
        ),
        "bands": (scheme.bands.all(), ["code", "min_total", "max_total"]),
        "floors": (scheme.floors.all(), ["rule", "age", "band"]),
    }
    for prefix, (objects, fields) in rows.items():
        objects = list(objects)
        data |= {
            f"{prefix}-TOTAL_FORMS": len(objects),
            f"{prefix}-INITIAL_FORMS": len(objects),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for number, row in enumerate(objects):
            data[f"{prefix}-{number}-id"] = row.pk
            data[f"{prefix}-{number}-scheme"] = scheme.pk
            for field in fields:
                value = getattr(row, field)
                if isinstance(value, dict):
                    value = json.dumps(value)
                data[f"{prefix}-{number}-{field}"] = "" if value is None else value
    return data | changes


def _act(client, action: str, *schemes):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [scheme.pk for scheme in schemes]},
        follow=True,
    )


def test_no_assessment_or_other_shield_record_is_in_the_admin(sysadmin):
    """Children's records are never in the admin: only the schemes are."""
    shield = {model for model in admin.site._registry if model._meta.app_label == "shield"}
    assert shield == {ScoringScheme}
    with pytest.raises(NoReverseMatch):
        reverse("admin:shield_assessment_changelist")
    assert sysadmin.get("/admin/shield/assessment/").status_code == 404
    assert sysadmin.get("/admin/shield/categoryscore/").status_code == 404


def test_only_system_administrators_open_the_schemes(client_for, sysadmin, default):
    for role in (RoleCode.SHIELD_TEAM_MANAGER, RoleCode.SERVICE_MANAGER):
        response = client_for(role).get(CHANGELIST)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    listed = sysadmin.get(CHANGELIST)
    assert listed.status_code == 200 and default.code in listed.content.decode()
    assert sysadmin.get(_change_url(default)).status_code == 200


def test_an_unused_scheme_is_edited_with_its_rows(sysadmin, default):
    data = _form(default, name="CSE2 scheme, reworded")
    data["categories-0-name"] = "Missing episodes"
    response = sysadmin.post(_change_url(default), data)
    assert response.status_code == 302, response.context["errors"]
    default.refresh_from_db()
    assert default.name == "CSE2 scheme, reworded"
    assert default.categories.get(number=1).name == "Missing episodes"


def test_a_used_scheme_is_read_only_and_the_admin_says_so(sysadmin, default):
    """Editing a scheme an assessment used is refused, whatever is posted; its rows refuse to
    save whatever the path."""
    case = make_case()
    make_assessment(case.child, case.worker)
    page = sysadmin.get(_change_url(default)).content.decode()
    assert "An assessment has used this scheme, so it cannot be changed" in page
    assert 'name="categories-0-name"' not in page and 'name="name"' not in page
    data = _form(default, name="Changed", judgement_max=9)
    data["categories-0-max_score"] = 9
    refused = sysadmin.post(_change_url(default), data, follow=True)
    assert IN_USE in [str(message) for message in refused.context["messages"]]
    default.refresh_from_db()
    assert (default.name, default.judgement_max) == ("CSE2 default scheme", 6)
    category = default.categories.get(number=1)
    assert category.max_score == 6
    category.max_score = 9
    with pytest.raises(SchemeInUseError):
        category.save()
    assert sysadmin.get(CHANGELIST).context["cl"].result_list[0].used is True


def test_copy_as_a_new_version_copies_every_row_and_is_not_current(sysadmin, default):
    response = _act(sysadmin, "copy_as_new_version", default)
    assert "copied as CSE2-default-v2 (version 2)" in response.content.decode()
    copy = ScoringScheme.objects.get(version=2)
    assert copy.code == "CSE2-default-v2" and not copy.current and not copy.in_use
    assert copy.notes.startswith("Copied from CSE2-default-v1.")

    def rows(scheme):
        return (
            list(scheme.categories.values_list("number", "name", "max_score", "anchors")),
            list(scheme.bands.values_list("code", "min_total", "max_total")),
            list(scheme.floors.values_list("rule", "age", "band")),
        )

    assert rows(copy) == rows(default)
    assert copy.history.count() == 1 and ScoringScheme.objects.get(current=True) == default
    _act(sysadmin, "copy_as_new_version", default)
    assert ScoringScheme.objects.get(version=3).code == "CSE2-default-v3"


def test_making_a_version_current_unsets_the_others(sysadmin, default):
    case = make_case()
    make_assessment(case.child, case.worker)
    _act(sysadmin, "copy_as_new_version", default)
    copy = ScoringScheme.objects.get(version=2)
    response = _act(sysadmin, "make_current", copy)
    assert "CSE2-default-v2 is now current" in response.content.decode()
    assert list(ScoringScheme.objects.filter(current=True)) == [copy]
    # An assessment keeps the version it used; a new one takes the current scheme.
    assert Assessment.objects.get().scheme == default
    draft = make_assessment(case.child, case.worker, complete=False)
    assert draft.scheme == copy
    _act(sysadmin, "make_current", default)
    assert list(ScoringScheme.objects.filter(current=True)) == [default]


def test_a_scheme_that_cannot_score_is_not_made_current(sysadmin, default):
    _act(sysadmin, "copy_as_new_version", default)
    copy = ScoringScheme.objects.get(version=2)
    copy.bands.get(code="high").delete()
    response = _act(sysadmin, "make_current", copy)
    assert "was not made current: Its bands must cover every total from 0 to 54" in (
        response.content.decode()
    )
    two = _act(sysadmin, "make_current", copy, default)
    assert "Choose exactly one scheme" in two.content.decode()
    assert list(ScoringScheme.objects.filter(current=True)) == [default]
    empty = ScoringScheme.objects.create(code="empty", name="Empty", version=9)
    assert "It has no categories" in _act(sysadmin, "make_current", empty).content.decode()


def test_a_scheme_is_never_deleted_nor_reverted(sysadmin, default):
    delete = reverse("admin:shield_scoringscheme_delete", args=[default.pk])
    assert sysadmin.post(delete, {"post": "yes"}).status_code == 403
    default.save()  # the migration that loaded it wrote no history
    version = default.history.earliest()
    revert = reverse(
        "admin:shield_scoringscheme_simple_history", args=[default.pk, version.history_id]
    )
    refused = sysadmin.post(revert, _form(default, name="Reverted"), follow=True)
    assert "never reverted" in refused.content.decode()
    default.refresh_from_db()
    assert default.name == "CSE2 default scheme" and ScoringCategory.objects.count() == 8


def test_the_summary_forgets_a_schemes_outline_once_the_scheme_changes(sysadmin, default):
    """The summary keeps a scheme's categories in memory; an edit (possible only while no
    assessment uses the scheme) is read afresh."""
    from shield.assessment_selectors import scheme_outline

    assert scheme_outline(default.pk).categories[0][1] != "Missing episodes"
    data = _form(default)
    data["categories-0-name"] = "Missing episodes"
    assert sysadmin.post(_change_url(default), data).status_code == 302
    assert scheme_outline(default.pk).categories[0][1] == "Missing episodes"
