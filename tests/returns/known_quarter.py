"""A small known data set around Q1 2026-27 (1 April to 30 June 2026, British Summer Time), built
through the services with each change recorded when it happened, and the changes made after
the quarter ended. Fictional children only (D15).

Children on MACSE: A, B, H and K adopted on 12 March 2026; C, D, E and F on 14 May; G on
11 June, when B was closed (reduced risk), C stepped down and K left at 18. So at the end of Q1
A, D, E, F, G and H are open. After the quarter: H is stepped down at a meeting on 25 June
whose minutes are agreed on 2 July, E re-banded, F's band overridden, D closed on 9 July, G's
gender and A's care status changed, a late discussion, interview and missing episode recorded.
"""

import datetime as dt
from dataclasses import dataclass

from macse.models import CohortEntry
from tests.factories.referrals import ChildFactory
from tests.factories.returns import (
    HIGH,
    LOWER,
    band_override,
    child_change,
    cse1,
    cse2,
    london,
    macse_meeting,
    missing_episode,
    missing_episode_update,
    recorded_at,
    shield_case,
    strategy_discussion,
    strategy_meeting_held,
)
from tests.factories.shield import ensure_default_scheme, shield_worker

NO_DISCUSSION = "section_17"  # a MASH decision that needs no strategy discussion (D4)


@dataclass
class KnownQuarter:
    worker: object
    children: dict
    referrals: dict
    cse2s: dict
    episodes: dict
    discussions: dict

    def child(self, name):
        return self.children[name]


def _referral(name, at, **fields):
    given, family, born, gender, ethnicity, models = CHILDREN[name]
    return cse1(
        at=at,
        decision=NO_DISCUSSION,
        child_given_names=given,
        child_family_name=family,
        child_date_of_birth=born,
        child_gender=gender,
        child_ethnicity=ethnicity,
        models_of_exploitation=models,
        **fields,
    )


# name: given names, family name, date of birth, gender, ethnicity, models on the CSE1
CHILDREN = {
    # 9 on 30 June 2026: 10 the next day.
    "A": ("Amberly", "Testfield", dt.date(2016, 7, 1), "female", "WBRI", ["gang", "online"]),
    "B": ("Brisa", "Nettlecombe", dt.date(2011, 5, 1), "female", "WIRI", ["relationship"]),
    "C": ("Cressida", "Pollenby", dt.date(2011, 5, 2), "female", "WBRI", ["party"]),
    # 13 on 30 June 2026, the quarter's last day.
    "D": ("Dorian", "Fenwickham", dt.date(2013, 6, 30), "male", "MWBC", ["relationship"]),
    "E": ("Elowen", "Marshcombe", dt.date(2010, 7, 1), "female", "WBRI", ["online"]),
    "F": ("Fern", "Oakleigh-Test", dt.date(2010, 6, 30), "female", "BAFR", []),
    "G": ("Gideon", "Ashcombe", dt.date(2008, 7, 1), "male", "", ["party", "peer_on_peer"]),
    "H": ("Hollis", "Yarrowby", dt.date(2012, 1, 15), "not_known", "AIND", ["online"]),
    # 18 on 1 June 2026: leaves MACSE at the next meeting (D6).
    "K": ("Kestrel", "Dunmoreton", dt.date(2008, 6, 1), "male", "WOTH", []),
}


def build() -> KnownQuarter:
    """Everything up to the end of Q1 2026."""
    ensure_default_scheme()  # a transactional test's flush empties it
    worker = shield_worker()
    referrals, cse2s, episodes, discussions = {}, {}, {}, {}

    # --- Before the quarter (Q4 2025-26) -----------------------------------------------------
    with recorded_at(london(2026, 1, 5, 10)):
        j = ChildFactory(given_names="Jory", family_name="Testcase")  # on Shield, not MACSE
    shield_case(j, at=london(2026, 1, 5, 10))
    cse2s["J initial"] = cse2(j, worker, at=london(2026, 1, 15))  # review due 15 April
    for name in "ABHK":
        referrals[name] = _referral(name, london(2026, 2, 26, 10))
    children = {name: referral.child for name, referral in referrals.items()}
    children["J"] = j
    for name in "AH":
        shield_case(children[name], at=london(2026, 3, 2, 10))
    cse2s["B initial"] = cse2(children["B"], worker, at=london(2026, 3, 5))
    cse2s["A initial"] = cse2(children["A"], worker, at=london(2026, 3, 10))  # due 10 June
    cse2s["H initial"] = cse2(children["H"], worker, at=london(2026, 3, 20), values=LOWER)
    macse_meeting(at=london(2026, 3, 12, 10), new=[referrals[n] for n in "ABHK"])
    episodes["A March"] = missing_episode(
        children["A"],
        worker,
        at=london(2026, 3, 31, 22, 30),
        went_missing_at=london(2026, 3, 31, 22),
    )
    # Two days after the clocks went forward: 23:30 BST is 22:30 UTC, in Q4.
    referrals["emergency Q4"] = cse1(
        at=london(2026, 3, 31, 23, 30), emergency=True, decision=NO_DISCUSSION
    )

    # --- In the quarter ----------------------------------------------------------------------
    # 00:30 BST on 1 April is 23:30 UTC on 31 March, in Q1.
    referrals["emergency Q1 start"] = cse1(
        at=london(2026, 4, 1, 0, 30), emergency=True, decision=NO_DISCUSSION
    )
    child_change(children["A"], at=london(2026, 4, 2), disability="yes")
    episodes["A April"] = missing_episode(
        children["A"],
        worker,
        at=london(2026, 4, 12),
        went_missing_at=london(2026, 4, 10, 20),
        returned_at=london(2026, 4, 11, 8),
        interview_done=True,
        interview_by="Return home worker (fictional)",
        interview_on=dt.date(2026, 4, 12),
    )
    cse2s["J review"] = cse2(j, worker, at=london(2026, 4, 20), kind="review")  # 5 days late
    for name in "CDEF":
        referrals[name] = _referral(name, london(2026, 4, 30, 10))
        children[name] = referrals[name].child
    child_change(children["D"], at=london(2026, 5, 1), disability="no")
    child_change(children["E"], at=london(2026, 5, 1), disability="no")
    child_change(
        children["F"], at=london(2026, 5, 1), care_status="looked_after", legal_status="s20"
    )
    # Strategy discussions: X's held in 2 hours, deciding a meeting held in 46 hours; Y's held
    # after 30 hours (late), deciding a meeting never held; W's due at 10:00 on 30 June, held
    # at 09:00 then but recorded only after the quarter (after_the_quarter).
    referrals["X"] = cse1(at=london(2026, 5, 5, 10), decision="strategy_discussion")
    discussions["X"] = strategy_discussion(
        referrals["X"], held_at=london(2026, 5, 5, 12), decides_meeting=True
    )
    strategy_meeting_held(discussions["X"], held_at=london(2026, 5, 7, 10))
    referrals["Y"] = cse1(at=london(2026, 5, 6, 10), decision="strategy_discussion")
    discussions["Y"] = strategy_discussion(
        referrals["Y"], held_at=london(2026, 5, 7, 16), decides_meeting=True
    )
    macse_meeting(at=london(2026, 5, 14, 10), new=[referrals[n] for n in "CDEF"])
    cse2s["D initial"] = cse2(children["D"], worker, at=london(2026, 5, 20), values=HIGH)
    cse2s["E initial"] = cse2(children["E"], worker, at=london(2026, 5, 21), values=HIGH)
    cse2s["E correction"] = cse2(
        children["E"], worker, at=london(2026, 5, 22), corrects=cse2s["E initial"]
    )
    cse2s["F initial"] = cse2(children["F"], worker, at=london(2026, 5, 21), values=LOWER)
    referrals["G"] = _referral(
        "G",
        london(2026, 5, 28, 10),
        child_social_care="placed",
        child_placing_authority="Westmere Council (fictional)",
    )
    children["G"] = referrals["G"].child
    cse2s["A review"] = cse2(children["A"], worker, at=london(2026, 6, 5), kind="review")
    cse2s["B closure"] = cse2(
        children["B"], worker, at=london(2026, 6, 8), values=LOWER, kind="closure"
    )
    macse_meeting(
        at=london(2026, 6, 11, 10),
        new=[referrals["G"]],
        reviews=[children["B"], children["C"]],
        leaving=[CohortEntry.objects.get(child=children["K"], status="open")],
        decisions={
            children["B"]: ("close", cse2s["B closure"]),
            children["C"]: ("step_down", None),
        },
    )
    band_override(cse2s["F initial"], at=london(2026, 6, 15), band="medium")
    referrals["W"] = cse1(at=london(2026, 6, 29, 10), decision="strategy_discussion")
    episodes["D June"] = missing_episode(
        children["D"],
        worker,
        at=london(2026, 6, 30, 9),
        went_missing_at=london(2026, 6, 29, 22),
        returned_at=london(2026, 6, 30, 7),
    )
    # Sent at 18:00 on the last day, not an emergency: received at 09:00 on 1 July (Q2).
    referrals["evening"] = cse1(at=london(2026, 6, 30, 18))
    # 23:30 BST on 30 June is 22:30 UTC: in Q1.
    referrals["emergency Q1 end"] = cse1(at=london(2026, 6, 30, 23, 30), emergency=True)
    episodes["E June"] = missing_episode(
        children["E"],
        worker,
        at=london(2026, 6, 30, 23, 45),
        went_missing_at=london(2026, 6, 30, 23, 30),
    )

    # --- Just after: 00:30 BST on 1 July is 23:30 UTC on 30 June, in Q2 ------------------------
    referrals["emergency Q2 start"] = cse1(at=london(2026, 7, 1, 0, 30), emergency=True)
    episodes["F July"] = missing_episode(
        children["F"],
        worker,
        at=london(2026, 7, 1, 0, 20),
        went_missing_at=london(2026, 7, 1, 0, 15),
    )
    return KnownQuarter(worker, children, referrals, cse2s, episodes, discussions)


def after_the_quarter(known: KnownQuarter) -> None:
    """Changes made after Q1 ended, some to what happened in it."""
    worker, child = known.worker, known.child
    # H stepped down at a meeting on 25 June whose minutes were agreed on 2 July.
    macse_meeting(
        at=london(2026, 6, 25, 10),
        reviews=[child("H")],
        decisions={child("H"): ("step_down", None)},
        minutes_agreed=london(2026, 7, 2, 12),
    )
    # W's discussion, held on time on 30 June, recorded on 2 July.
    strategy_discussion(
        known.referrals["W"], held_at=london(2026, 6, 30, 9), recorded=london(2026, 7, 2, 10)
    )
    missing_episode_update(
        known.episodes["D June"],
        worker,
        at=london(2026, 7, 3),
        interview_done=True,
        interview_by="Return home worker (fictional)",
        interview_on=dt.date(2026, 7, 2),
    )
    # H went missing on 20 June; recorded on 6 July.
    known.episodes["H June"] = missing_episode(
        child("H"), worker, at=london(2026, 7, 6), went_missing_at=london(2026, 6, 20, 20)
    )
    known.cse2s["E review"] = cse2(
        child("E"), worker, at=london(2026, 7, 7), values=LOWER, kind="review"
    )
    band_override(known.cse2s["F initial"], at=london(2026, 7, 7), band="high")
    child_change(child("G"), at=london(2026, 7, 7), gender="other")
    child_change(child("A"), at=london(2026, 7, 7), care_status="looked_after")
    known.cse2s["H review"] = cse2(
        child("H"), worker, at=london(2026, 7, 8), values=LOWER, kind="review"
    )
    known.cse2s["D closure"] = cse2(
        child("D"), worker, at=london(2026, 7, 8), values=LOWER, kind="closure"
    )
    macse_meeting(
        at=london(2026, 7, 9, 10),
        reviews=[child("D")],
        decisions={child("D"): ("close", known.cse2s["D closure"])},
    )
    # A new CSE1 about D naming another model of exploitation.
    known.referrals["D July"] = cse1(
        at=london(2026, 7, 9, 15),
        decision=NO_DISCUSSION,
        child=child("D"),
        models_of_exploitation=["organised"],
    )
