"""The CSE2 pages: the journey from a new draft to the summary page, field errors that keep the
draft and what was typed, a stale save refused, a completed CSE2 never edited, a correction, a
manager's override beside the computed band, two versions compared, the audited print, and the
summary page's fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cse_framework import pdf
from cse_framework.accounts.roles import RoleCode
from cse_framework.audit.models import AccessEvent
from shield import assessment_selectors as selectors
from shield import services
from shield.models import Assessment, BandOverride
from shield.services import MONITORING_ENTERED
from tests.factories.accounts import AgencyFactory
from tests.factories.referrals import ChildFactory
from tests.factories.shield import make_assessment, make_case, shield_worker

pytestmark = pytest.mark.django_db

ASSESSED_ON = dt.date(2026, 6, 10)
MONITORING_DEFAULTS = {
    "sexual_identity": "",
    "nationality": "British",
    "first_language": "English",
    "online_element": "yes",
    "perpetrators": "group",
    "living_situation": "home",
    "agency_status": "child_in_need",
    "education": "school",
    "substance_misuse": "no",
    "mental_health_concerns": "not_known",
    "offending": "no",
    "domestic_violence": "not_known",
}


@pytest.fixture
def case():
    return make_case(ChildFactory(date_of_birth=dt.date(2011, 3, 1)))


@pytest.fixture
def worker(case, client_for):
    return client_for(user=case.worker)


@pytest.fixture
def manager(client_for):
    return client_for(RoleCode.SHIELD_TEAM_MANAGER)


def _url(name, assessment):
    return reverse(f"shield:{name}", kwargs={"pk": assessment.pk})


def _form(assessment, *, scores=(2,) * 8, attendees=(), **overrides) -> dict:
    """Everything the edit page posts, as a worker fills it in."""
    data = {
        "version": assessment.version,
        "kind": assessment.kind,
        "assessed_on_0": assessment.assessed_on.day,
        "assessed_on_1": assessment.assessed_on.month,
        "assessed_on_2": assessment.assessed_on.year,
        "reason": "Review after the strategy meeting.",
        "lead_professional": assessment.lead_professional_id,
        "judgement_score": 2,
        "judgement_rationale": "Worried about the older associates.",
        "young_person_views": "Says she feels safer at home now.",
        "young_person_understanding": "",
        "willingness_to_engage": "partly",
        "views_not_sought_reason": "",
        "score_changed_after_views": "",
        "action": "save",
        **MONITORING_DEFAULTS,
        "attendees-TOTAL_FORMS": 3,
        "attendees-INITIAL_FORMS": 0,
        "attendees-MIN_NUM_FORMS": 0,
        "attendees-MAX_NUM_FORMS": 1000,
    }
    for number, value in enumerate(scores, 1):
        data[f"score_{number}"] = value
        data[f"evidence_{number}"] = f"Seen by the worker ({number})." if value else ""
    for i, (name, agency, role) in enumerate(attendees):
        data.update(
            {
                f"attendees-{i}-name": name,
                f"attendees-{i}-agency": agency.pk,
                f"attendees-{i}-role": role,
            }
        )
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_whole_journey_from_a_new_draft_to_the_summary_page(case, worker):
    """New, a bad score (error, what was typed kept), save, completion without the young
    person's views (error, the draft kept), completion, and the summary with its result."""
    new_url = reverse("shield:assessment-new", kwargs={"child_pk": case.child.pk})
    page = worker.get(new_url)
    assert page.status_code == 200 and "Start a CSE2" in page.text
    response = worker.post(
        new_url,
        {
            "kind": "initial",
            "assessed_on_0": "10",
            "assessed_on_1": "6",
            "assessed_on_2": "2026",
            "reason": "Referred to Shield.",
        },
    )
    draft = Assessment.objects.get(child=case.child)
    assert response.status_code == 302 and response["Location"] == _url("assessment-edit", draft)
    assert (draft.kind, draft.assessed_on, draft.status) == ("initial", ASSESSED_ON, "draft")

    page = worker.get(_url("assessment-edit", draft))
    assert page.status_code == 200
    assert "Missing episodes (home, care or school)" in page.text
    assert "0 means no concern; 1-2 some concern" in page.text
    assert "5-6 direct evidence linked to CSE" in page.text
    assert f'name="version" value="{draft.version}"' in page.text

    police = AgencyFactory(name="Merseyside Police (fictional)")
    bad = _form(
        draft,
        scores=(9, 2, 2, 2, 2, 2, 2, 2),
        reason="Typed before the mistake.",
        attendees=[("Dana Ellery", police, "Detective constable")],
    )
    response = worker.post(_url("assessment-edit", draft), bad)
    assert response.status_code == 200
    assert "Missing episodes (home, care or school): enter a score from 0 to 6" in response.text
    assert "Typed before the mistake." in response.text and "Dana Ellery" in response.text
    draft.refresh_from_db()
    assert draft.reason == "Referred to Shield." and not draft.scores.exists()

    good = _form(
        draft,
        young_person_views="",
        learning_disability="on",
        attendees=[("Dana Ellery", police, "Detective constable")],
    )
    response = worker.post(_url("assessment-edit", draft), good)
    assert response.status_code == 302 and response["Location"] == _url("assessment-edit", draft)
    draft.refresh_from_db()
    assert draft.scores.count() == 8 and draft.learning_disability
    assert list(draft.attendees.values_list("name", flat=True)) == ["Dana Ellery"]
    assert draft.monitoring.nationality == "British"

    response = worker.post(
        _url("assessment-edit", draft),
        _form(
            draft,
            young_person_views="",
            action="complete",
            judgement_rationale="Changed.",
            attendees=[("Dana Ellery", police, "Detective constable")],
        ),
    )
    assert response.status_code == 200
    assert "Record the young person&#x27;s wishes and feelings" in response.text
    assert "Your draft has been saved" in response.text
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.judgement_rationale == "Changed."
    assert f'name="version" value="{draft.version}"' in response.text  # goes on from the save

    page = worker.get(_url("assessment-edit", draft))
    assert 'value="Dana Ellery"' in page.text  # who took part is on the form again
    done = _form(
        draft,
        action="complete",
        learning_disability="on",
        attendees=[("Dana Ellery", police, "Detective constable")],
    )
    response = worker.post(_url("assessment-edit", draft), done)
    draft.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == _url("assessment-detail", draft)
    assert (draft.status, draft.sequence, draft.total) == ("completed", 1, 18)

    page = worker.get(_url("assessment-detail", draft))
    assert page.status_code == 200
    assert "18 out of 54" in page.text
    assert "At least Medium, because: Child has a learning disability: at least Medium" in page.text
    assert "This is the child's first CSE2" in page.text
    assert 'role="img"' in page.text and "Dana Ellery (Merseyside Police (fictional))" in page.text
    assert "Says she feels safer at home now." in page.text
    assert "Next review due" in page.text and "10 September 2026" in page.text
    assert AccessEvent.objects.filter(action="view", object_id=str(draft.pk)).exists()


def test_evidence_missing_for_a_score_above_0_is_a_field_error(case, worker):
    draft = make_assessment(case.child, case.worker, complete=False)
    data = _form(draft, evidence_3="   ", reason="Kept on the page.")
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 200
    assert (
        "Sexual health and sexual behaviour: give the evidence for a score above 0" in response.text
    )
    assert 'id="id_evidence_3-error"' in response.text and "Kept on the page." in response.text
    draft.refresh_from_db()
    assert draft.reason == ""


def test_evidence_without_a_score_is_not_silently_dropped(case, worker):
    draft = services.assessment_start(
        child=case.child, kind="initial", by=case.worker, assessed_on=ASSESSED_ON
    )
    data = _form(draft, score_4="", evidence_4="Moved placement twice.")
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 200
    assert "choose a score, or the evidence you typed is not kept" in response.text
    assert "Moved placement twice." in response.text


def _summary(page: str) -> str:
    """The form's GOV.UK error summary: the list of every error on the page."""
    return page.split('class="govuk-error-summary"')[1].split("</ul>")[0]


EVIDENCE_3 = "Sexual health and sexual behaviour: give the evidence for a score above 0"
RATIONALE = "Give the rationale for the judgement score"
VIEWS = "Record the young person&#x27;s wishes and feelings, or why they could not be sought"


def test_completing_shows_a_refused_value_and_what_completion_needs_at_once(case, worker):
    """One "Complete" with a value a save refuses (a score without its evidence) and what
    completion needs (a rationale, the young person's views, a score): every message in the
    one error summary, what was typed kept, nothing saved and nothing completed."""
    draft = services.assessment_start(
        child=case.child, kind="initial", by=case.worker, assessed_on=ASSESSED_ON
    )
    data = _form(
        draft,
        action="complete",
        evidence_3="",
        judgement_rationale="",
        young_person_views="",
        score_8="",
        evidence_8="",
        reason="Typed, not yet saved.",
    )
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 200
    summary = _summary(response.text)
    for message in (EVIDENCE_3, RATIONALE, VIEWS, "Emotional, mental and physical health: enter"):
        assert message in summary, message
    assert "Your draft has been saved" not in response.text
    assert "Typed, not yet saved." in response.text
    draft.refresh_from_db()
    assert (draft.status, draft.reason, draft.scores.count()) == ("draft", "", 0)


def test_completing_shows_the_forms_own_errors_with_what_completion_needs(case, worker):
    """A field the form itself refuses (no lead professional; evidence typed without a
    score) and completion's needs, in one round; a category the form refused is not judged
    again."""
    draft = services.assessment_start(
        child=case.child, kind="initial", by=case.worker, assessed_on=ASSESSED_ON
    )
    data = _form(
        draft,
        action="complete",
        lead_professional="",
        score_4="",
        evidence_4="Moved placement twice.",
        judgement_rationale="",
    )
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 200
    summary = _summary(response.text)
    assert "Select the lead professional" in summary
    assert "choose a score, or the evidence you typed is not kept" in summary
    assert RATIONALE in summary
    assert "Accommodation and family or home relationships: enter a score" not in summary
    assert summary.count("<li>") == 3
    draft.refresh_from_db()
    assert (draft.status, draft.scores.count()) == ("draft", 0)


def test_completing_with_only_completion_problems_saves_the_draft_and_lists_them_all(case, worker):
    draft = make_assessment(case.child, case.worker, complete=False)
    data = _form(draft, action="complete", judgement_rationale="", young_person_views="")
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 200
    summary = _summary(response.text)
    assert "Your draft has been saved, but the CSE2 cannot be completed" in summary
    assert RATIONALE in summary and VIEWS in summary
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.judgement_rationale == ""
    assert f'name="version" value="{draft.version}"' in response.text


def test_saving_a_draft_that_could_not_yet_be_completed_works(case, worker):
    draft = services.assessment_start(
        child=case.child, kind="initial", by=case.worker, assessed_on=ASSESSED_ON
    )
    data = _form(draft, judgement_rationale="", young_person_views="", score_8="", evidence_8="")
    response = worker.post(_url("assessment-edit", draft), data)
    assert response.status_code == 302 and response["Location"] == _url("assessment-edit", draft)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.scores.count() == 7


def test_a_stale_save_is_refused_with_a_clear_message_and_nothing_is_lost(case, worker, manager):
    draft = make_assessment(case.child, case.worker, complete=False)
    seen = _form(draft, reason="The manager's reason.")
    assert manager.post(_url("assessment-edit", draft), seen).status_code == 302
    late = _form(draft, reason="The worker's reason.")
    response = worker.post(_url("assessment-edit", draft), late)
    assert response.status_code == 200
    assert "Someone else saved this draft while you were working on it" in response.text
    assert "The worker&#x27;s reason." in response.text  # what was typed is on the page
    draft.refresh_from_db()
    assert draft.reason == "The manager's reason."


def test_a_completed_cse2_edit_page_is_404_and_the_cse2_is_unchanged(case, worker):
    done = make_assessment(case.child, case.worker)
    before = (done.version, done.total, done.reason)
    assert worker.get(_url("assessment-edit", done)).status_code == 404
    response = worker.post(_url("assessment-edit", done), _form(done, reason="Changed"))
    assert response.status_code == 404
    done.refresh_from_db()
    assert (done.version, done.total, done.reason) == before


def test_completing_twice_from_the_page_makes_one_version(case, worker):
    draft = make_assessment(case.child, case.worker, complete=False)
    data = _form(draft, action="complete")
    assert worker.post(_url("assessment-edit", draft), data).status_code == 302
    assert worker.post(_url("assessment-edit", draft), data).status_code == 404
    assert Assessment.objects.filter(child=case.child, status="completed").count() == 1


def test_a_correction_is_a_new_draft_linked_to_what_it_corrects(case, worker):
    original = make_assessment(case.child, case.worker)
    assert worker.get(_url("assessment-correct", original)).status_code == 405
    response = worker.post(_url("assessment-correct", original))
    draft = Assessment.objects.get(corrects=original)
    assert response.status_code == 302 and response["Location"] == _url("assessment-edit", draft)
    assert draft.scores.count() == 8 and draft.status == "draft"
    # A second click carries on with the same correction.
    worker.post(_url("assessment-correct", original))
    assert Assessment.objects.filter(corrects=original).count() == 1
    page = worker.get(_url("assessment-edit", draft))
    assert "This draft corrects" in page.text

    data = _form(draft, scores=(5, 2, 2, 2, 2, 2, 2, 2), action="complete")
    assert worker.post(_url("assessment-edit", draft), data).status_code == 302
    draft.refresh_from_db()
    original.refresh_from_db()
    assert (draft.sequence, draft.total, original.total) == (2, 21, 18)
    page = worker.get(_url("assessment-detail", original))
    assert "Corrected by" in page.text and _url("assessment-detail", draft) in page.text
    page = worker.get(_url("assessment-detail", draft))
    assert "Corrects" in page.text and "Up 3" in page.text
    # A draft is not corrected: it is edited.
    other = make_assessment(case.child, case.worker, complete=False)
    assert worker.post(_url("assessment-correct", other)).status_code == 404


def test_a_managers_override_is_audited_and_shown_beside_the_computed_band(case, manager):
    done = make_assessment(case.child, case.worker)
    page = manager.get(_url("assessment-detail", done))
    assert "Override the band" in page.text
    assert manager.get(_url("assessment-override", done)).status_code == 200
    response = manager.post(_url("assessment-override", done), {"band": "high", "reason": ""})
    assert (
        response.status_code == 200 and "Give the reason for overriding the band" in response.text
    )
    reason = "Intelligence received since the assessment."
    response = manager.post(_url("assessment-override", done), {"band": "high", "reason": reason})
    assert response.status_code == 302
    override = BandOverride.objects.get(assessment=done)
    event = AccessEvent.objects.get(action="change", object_id=str(done.pk))
    assert event.justification == reason and event.user == manager.user
    page = manager.get(_url("assessment-detail", done))
    name = manager.user.full_name
    on = f"{override.made_at:%d %B %Y}".lstrip("0")
    band_row = page.text.split("Band</dt>")[1].split("</dd>")[0]
    assert "Lower</strong>" in band_row  # the computed band, and beside it the override
    assert f"Overridden to High by {name} on {on}: {reason}" in band_row
    done.refresh_from_db()
    assert done.band == "lower"


def test_a_worker_cannot_override_the_band(case, worker):
    done = make_assessment(case.child, case.worker)
    assert "Override the band" not in worker.get(_url("assessment-detail", done)).text
    assert worker.get(_url("assessment-override", done)).status_code == 404
    response = worker.post(_url("assessment-override", done), {"band": "high", "reason": "x"})
    assert response.status_code == 404
    assert not BandOverride.objects.exists()


def test_two_versions_side_by_side(case, worker):
    first = make_assessment(case.child, case.worker, values=(4,) * 8)
    second = make_assessment(
        case.child, case.worker, values=(1,) * 8, kind="review", on=dt.date(2026, 9, 10)
    )
    url = reverse("shield:assessment-compare", kwargs={"child_pk": case.child.pk})
    page = worker.get(url, {"a": first.pk, "b": second.pk})
    assert page.status_code == 200
    assert "Version 1" in page.text and "Version 2" in page.text
    assert page.text.count("Down 3") == 8 and "Down 24" in page.text
    assert page.context["first"] == first and page.context["second"] == second
    default = worker.get(url)
    assert default.context["first"] == first and default.context["second"] == second
    other_child = make_case(worker=case.worker).child
    stranger = make_assessment(other_child, case.worker)
    assert worker.get(url, {"a": first.pk, "b": stranger.pk}).status_code == 404


def test_someone_who_does_not_hold_the_child_gets_404_everywhere(case, client_for):
    done = make_assessment(case.child, case.worker)
    other = client_for(user=shield_worker())
    for name in ("assessment-detail", "assessment-print", "assessment-override"):
        assert other.get(_url(name, done)).status_code == 404
    assert other.post(_url("assessment-correct", done)).status_code == 404
    child = {"child_pk": case.child.pk}
    assert other.get(reverse("shield:assessment-new", kwargs=child)).status_code == 404
    assert other.get(reverse("shield:assessment-compare", kwargs=child)).status_code == 404
    assert AccessEvent.objects.filter(action="deny", user=other.user).count() >= 4


def test_the_print_is_a_pdf_summary_first_and_audited(case, worker, monkeypatch):
    done = make_assessment(case.child, case.worker)
    rendered = []
    real = pdf.render_to_string

    def spy(template, context):
        html = real(template, context)
        rendered.append(html)
        return html

    monkeypatch.setattr(pdf, "render_to_string", spy)
    response = worker.get(_url("assessment-print", done))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{done.reference}.pdf"' in response["Content-Disposition"]
    assert AccessEvent.objects.filter(action="print", object_id=str(done.pk)).count() == 1
    html = rendered[0]
    assert "OFFICIAL-SENSITIVE" in html and "OFFICIAL - SENSITIVE" not in html
    assert html.index("CSE2 summary") < html.index("Risk trajectory") < html.index("full record")
    draft = make_assessment(case.child, case.worker, complete=False)
    assert worker.get(_url("assessment-print", draft)).status_code == 404


def test_a_draft_summary_says_the_result_comes_at_completion(case, worker):
    make_assessment(case.child, case.worker, values=(3,) * 8)
    draft = make_assessment(case.child, case.worker, values=(1,) * 8, complete=False)
    page = worker.get(_url("assessment-detail", draft))
    assert page.status_code == 200
    assert "worked out when the CSE2 is completed" in page.text and "Edit the draft" in page.text
    assert page.text.count("Down 2") == 8


def test_the_list_partial_shows_every_version(case):
    first = make_assessment(case.child, case.worker)
    make_assessment(case.child, case.worker, complete=False)
    versions = selectors.child_versions(user=_verified(case.worker), child_id=case.child.pk)
    html = render_to_string(
        "shield/_assessment_list.html", {"assessments": versions, "child": case.child}
    )
    assert "Version 1" in html and "Draft" in html and first.get_absolute_url() in html
    assert reverse("shield:assessment-compare", kwargs={"child_pk": case.child.pk}) in html


def _verified(user):
    user.is_verified = lambda: True
    return user


def _summary_queries(client, assessment) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("assessment-detail", assessment))
    assert response.status_code == 200
    return len(queries)


# With the scheme's categories and bands read (once per process). One of them asks whether the
# Shield worker holds the child, to show "Connections to other children" (intelligence).
SUMMARY_QUERIES = 15


def test_the_summary_page_runs_a_fixed_number_of_queries(case, worker, django_assert_num_queries):
    """1 completed version or 40: the same queries (the chart reads every version in one)."""
    first = make_assessment(case.child, case.worker, on=dt.date(2016, 1, 4))
    assert _summary_queries(worker, first) == SUMMARY_QUERIES + 3  # reads the scheme's outline
    one = _summary_queries(worker, first)
    latest = first
    for i in range(1, 40):
        latest = make_assessment(
            case.child,
            case.worker,
            values=((i % 7),) * 8,
            kind="review",
            on=dt.date(2016, 1, 4) + dt.timedelta(days=91 * i),
        )
    assert latest.sequence == 40
    forty = _summary_queries(worker, latest)
    assert one == forty
    with django_assert_num_queries(SUMMARY_QUERIES):
        page = worker.get(_url("assessment-detail", latest))
    assert page.text.count('<circle class="point') == 40


def test_manager_may_start_a_cse2_for_any_child_open_to_shield(case, manager):
    url = reverse("shield:assessment-new", kwargs={"child_pk": case.child.pk})
    assert manager.get(url).status_code == 200
    draft = make_assessment(case.child, case.worker, complete=False)
    page = manager.get(url)
    assert "already has a CSE2 draft" in page.text and _url("assessment-edit", draft) in page.text


def test_a_date_in_the_future_is_refused_and_nothing_is_started(case, worker):
    url = reverse("shield:assessment-new", kwargs={"child_pk": case.child.pk})
    response = worker.post(
        url, {"kind": "review", "assessed_on_0": "1", "assessed_on_1": "1", "assessed_on_2": "2999"}
    )
    assert response.status_code == 200
    assert "Date of the assessment must be today or in the past" in response.text
    assert not Assessment.objects.filter(child=case.child).exists()


def test_monitoring_fields_match_the_service(case):
    """Every field the worker records is on the form."""
    from shield.assessment_forms import AssessmentForm

    draft = make_assessment(case.child, case.worker, complete=False)
    form = AssessmentForm(
        assessment=draft, categories=list(draft.scheme.categories.all()), floors=[]
    )
    assert set(MONITORING_ENTERED) <= set(form.fields)
