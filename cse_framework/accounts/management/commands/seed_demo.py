"""python manage.py seed_demo: fictional agencies, teams, one user per role, and demo children.

Idempotent for data. Prints every login with fresh backup codes on every run.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cse_framework.accounts import demo, services
from cse_framework.accounts.models import Agency, Team, User
from cse_framework.timescales.working_time import LONDON, add_calendar_months
from intelligence import demo as intelligence_demo
from macse import demo as macse_demo
from referrals import services as referral_services
from referrals import triage
from referrals.models import Child, Referral
from shield import event_services
from shield import services as shield_services
from shield.models import Flag, ShieldCase
from strategy import services as strategy_services

STRATEGY_STATES = {"strategy_discussion", "meeting_arranged", "meeting_held"}


class Command(BaseCommand):
    help = "Create fictional demo data and print a login for every role (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--codes", type=int, default=3, help="Backup codes to print per user")

    def handle(self, *args, codes: int, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with production settings")
        with transaction.atomic():
            users = self._seed()
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins (fictional people only)"))
        self.stdout.write(f"Password for every demo user: {demo.DEMO_PASSWORD}")
        self.stdout.write("Security code: any one of the backup codes (each works once)\n")
        for user in users:
            backup = services.backup_codes_regenerate(user=user)[:codes]
            roles = ", ".join(str(role) for role in user.roles.all())
            self.stdout.write(f"  {user.email:<30} {roles:<40} codes: {' '.join(backup)}")

    def _seed(self) -> list[User]:
        agencies = {
            key: Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for key, (name, kind) in demo.AGENCIES.items()
        }
        teams = {
            key: Team.objects.get_or_create(
                name=name, agency=agencies[agency], defaults={"kind": kind}
            )[0]
            for key, (name, agency, kind) in demo.TEAMS.items()
        }
        users = []
        for role, email, full_name, job_title, agency, team in demo.USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email,
                    demo.DEMO_PASSWORD,
                    full_name=full_name,
                    job_title=job_title,
                    agency=agencies[agency],
                    team=teams[team] if team else None,
                )
            else:
                user.set_password(demo.DEMO_PASSWORD)
                user.is_active = True
                user.save()
            user.roles.add(role)
            users.append(user)
        by_email = {user.email: user for user in users}
        for given, family, born, gender, postcode, fields in demo.CHILDREN:
            if fields.get("care_status") in ("child_in_need", "child_protection", "looked_after"):
                fields = {**fields, "allocated_social_worker": by_email[demo.SOCIAL_WORKER_EMAIL]}
            Child.objects.get_or_create(
                given_names=given,
                family_name=family,
                date_of_birth=datetime.date(*born),
                defaults={"gender": gender, "postcode": postcode, **fields},
            )
        if not Referral.objects.filter(referrer=by_email[demo.REFERRER_EMAIL]).exists():
            self._seed_referrals(by_email)
        self._seed_shield(by_email)
        macse_demo.seed(by_email)  # after Shield: its children are heard at MACSE
        intelligence_demo.seed(by_email)  # a car and a handle linking Shield's children
        return users

    def _seed_referrals(self, users) -> None:
        """Fictional referrals in every state, each through the services a user would use."""
        referrer = users[demo.REFERRER_EMAIL]
        mash = users[demo.MASH_EMAIL]
        for given, family, born, state, fields, codes in demo.REFERRALS:
            fields = dict(fields)
            hours_ago = fields.pop("_hours_ago", 0)
            referral = referral_services.referral_draft_create(
                by=referrer,
                child_given_names=given,
                child_family_name=family,
                child_date_of_birth=datetime.date(*born),
                consent=Referral.Consent.PARENTAL_RESPONSIBILITY,
                parents_aware=True,
                referrer_phone="0151 496 0101",
                **fields,
            )
            for code in codes:
                referral_services.referral_indicator_record(
                    referral=referral, by=referrer, code=code, present="yes", basis="evidence"
                )
            if referral.needs_marf:
                referral_services.marf_save(referral=referral, by=referrer, **demo.DEMO_MARF)
            if state == "draft":
                continue
            referral = referral_services.referral_submit(
                referral=referral,
                by=referrer,
                now=timezone.now() - datetime.timedelta(hours=hours_ago),
            )
            if state == "received":
                continue
            match = referral.matches.select_related("child").first()
            referral = triage.referral_confirm_child(
                referral=referral,
                by=mash,
                child=match.child if match else None,
                seen_version=referral.version,
            )
            if state == "confirmed":
                continue
            # One decision waits for a manager: the team requires authorisation for it.
            triage.team_set_decision_authorisation(
                team=mash.team, by=mash, required=state == "awaiting"
            )
            strategy = state in STRATEGY_STATES
            referral = triage.referral_triage(
                referral=referral,
                by=mash,
                level_of_concern="high" if strategy else "medium",
                decision=Referral.Decision.STRATEGY_DISCUSSION
                if strategy
                else Referral.Decision.REFER_TO_SHIELD,
                rationale="Several indicators present (demo).",
                seen_version=referral.version,
            )
            if strategy and state != "strategy_discussion":
                self._seed_strategy(referral, state, users)
        triage.team_set_decision_authorisation(team=mash.team, by=mash, required=False)

    def _seed_strategy(self, referral, state: str, users) -> None:
        """A discussion held an hour after receipt that decided a meeting: arranged for
        tomorrow, or held the next day, signed off and then amended."""
        manager = users[demo.MASH_MANAGER_EMAIL]
        police, health = users[demo.POLICE_EMAIL], users[demo.HEALTH_EMAIL]
        held = referral.received_at + datetime.timedelta(hours=1)
        discussion = strategy_services.discussion_record(
            referral=referral,
            by=manager,
            held_at=held,
            chair=manager,
            participants=[
                {"name": police.full_name, "agency": police.agency, "role": "Police"},
                {"name": health.full_name, "agency": health.agency, "role": "Health"},
            ],
            not_compliant_reason="",
            information_considered="The CSE1's indicators; police hold intelligence (demo).",
            risk_to_others="May be used to introduce younger pupils (demo).",
            outcomes=["section_47", "strategy_meeting"],
            rationale="Risk of significant harm; agencies need to plan together (demo).",
            actions=[
                {
                    "description": "Safety plan with the young person",
                    "owner": users[demo.SHIELD_WORKER_EMAIL],
                    "due_on": timezone.localdate() + datetime.timedelta(days=3),
                }
            ],
        )
        now = timezone.now()
        meeting = strategy_services.meeting_schedule(
            discussion=discussion,
            by=manager,
            scheduled_for=now + datetime.timedelta(days=1)
            if state == "meeting_arranged"
            else held + datetime.timedelta(hours=30),
            venue="Municipal Buildings, meeting room 3 (demo)",
            chair=manager,
            invitees=[
                {"user": police, "name": police.full_name, "agency": police.agency},
                {"user": None, "name": "School nurse (demo)", "agency": health.agency},
            ],
        )
        if state != "meeting_held":
            return
        invited = list(meeting.participants.all())
        meeting = strategy_services.meeting_record_held(
            meeting=meeting,
            by=manager,
            held_at=meeting.scheduled_for,
            attendance={invited[0].pk: "present", invited[1].pk: "apologies"},
            others=[],
            not_compliant_reason="The school nurse was off sick; health briefed after (demo).",
            minutes="Police shared intelligence about an address; school shared attendance.",
            outcomes=["child_protection_conference"],
            rationale="Continuing risk of significant harm (demo).",
            actions=[],
        )
        meeting = strategy_services.record_sign_off(record=meeting, by=manager)
        strategy_services.record_amend(
            record=meeting,
            by=manager,
            changes={"minutes": meeting.minutes + " Health sent a written report."},
            reason="The health report arrived after sign-off (demo).",
            expected_version=meeting.version,
        )

    def _seed_shield(self, users) -> None:
        """Children open to Shield, each through the services a user would use: a CSE1 that MASH
        decided "refer to Shield", allocated to the demo Shield worker, with CSE2 versions every
        3 months whose risk rises, falls or stays level, a missing episode and a police flag.
        A child already open to Shield is left as it is."""
        for given, family, born, circumstances, versions in demo.SHIELD_CHILDREN:
            child = Child.objects.get(
                given_names=given, family_name=family, date_of_birth=datetime.date(*born)
            )
            if not ShieldCase.objects.filter(child=child).exists():
                self._seed_shield_child(child, circumstances, versions, users)

    def _seed_shield_child(self, child, circumstances: str, versions, users) -> None:
        worker = users[demo.SHIELD_WORKER_EMAIL]
        police = users[demo.POLICE_EMAIL]
        last = timezone.localdate() - datetime.timedelta(days=21)
        days = [add_calendar_months(last, -3 * n) for n in reversed(range(len(versions)))]
        referral = self._shield_referral(child, circumstances, days[0], users)
        case = ShieldCase.objects.get(child=child, status=ShieldCase.Status.OPEN)
        shield_services.case_allocate(
            case=case,
            worker=worker,
            by=users[demo.SHIELD_MANAGER_EMAIL],
            reason="Caseload (demo).",
            now=referral.triaged_at + datetime.timedelta(hours=20),
        )
        for number, (day, (values, judgement)) in enumerate(zip(days, versions, strict=True)):
            if number == len(versions) - 1:
                self._shield_missing_episode(child, worker, before=day)
            done = self._shield_assessment(child, worker, day, values, judgement, first=not number)
        event_services.flag_raise(
            child=child,
            by=police,
            kind=Flag.Kind.POLICE_CSE,
            agency=police.agency,
            risk_level=done.band,
            rationale="The latest CSE2 and police intelligence (demo).",
            decided_on=last + datetime.timedelta(days=2),
        )

    def _shield_referral(self, child, circumstances: str, first_cse2: datetime.date, users):
        """A CSE1 received about two weeks before the first CSE2, confirmed and referred to
        Shield by a MASH team manager: the case and its initial-CSE2 clock open (D16)."""
        referrer, manager = users[demo.REFERRER_EMAIL], users[demo.MASH_MANAGER_EMAIL]
        referral = referral_services.referral_draft_create(
            by=referrer,
            child_given_names=child.given_names,
            child_family_name=child.family_name,
            child_date_of_birth=child.date_of_birth,
            child_postcode=child.postcode,
            child_social_care=Referral.SocialCare.NOT_KNOWN,
            level_of_concern="medium",
            circumstances=circumstances,
            consent=Referral.Consent.PARENTAL_RESPONSIBILITY,
            parents_aware=True,
            referrer_phone="0151 496 0101",
        )
        referral_services.marf_save(referral=referral, by=referrer, **demo.DEMO_MARF)
        sent = datetime.datetime.combine(
            first_cse2 - datetime.timedelta(days=14), datetime.time(10), tzinfo=LONDON
        )
        referral = referral_services.referral_submit(referral=referral, by=referrer, now=sent)
        received = referral.received_at
        referral = triage.referral_confirm_child(
            referral=referral,
            by=manager,
            child=child,
            seen_version=referral.version,
            now=received + datetime.timedelta(hours=1),
        )
        return triage.referral_triage(
            referral=referral,
            by=manager,
            level_of_concern="medium",
            decision=Referral.Decision.REFER_TO_SHIELD,
            rationale="Indicators of CSE; Shield to assess and support (demo).",
            seen_version=referral.version,
            now=received + datetime.timedelta(hours=2),
        )

    def _shield_assessment(self, child, worker, day, values, judgement: int, *, first: bool):
        draft = shield_services.assessment_start(
            child=child,
            kind="initial" if first else "review",
            by=worker,
            assessed_on=day,
            reason="Referred to Shield by MASH (demo)." if first else "Three-monthly review.",
        )
        draft = shield_services.assessment_save_draft(
            assessment=draft,
            by=worker,
            expected_version=draft.version,
            scores={
                number: (value, "Seen and recorded by the Shield worker (demo)." if value else "")
                for number, value in enumerate(values, start=1)
            },
            fields={
                "judgement_score": judgement,
                "judgement_rationale": "The worker's view of the whole picture (demo).",
                "young_person_views": "Talked about school and friends; wants to feel safe (demo).",
                "willingness_to_engage": "partly",
            },
            monitoring={"living_situation": "home", "education": "school", "online_element": "yes"},
            attendees=[
                {"name": worker.full_name, "agency": worker.agency, "role": "Shield worker"},
            ],
        )
        return shield_services.assessment_complete(
            assessment=draft,
            by=worker,
            expected_version=draft.version,
            now=datetime.datetime.combine(day, datetime.time(15), tzinfo=LONDON),
        )

    def _shield_missing_episode(self, child, worker, *, before: datetime.date) -> None:
        went = datetime.datetime.combine(
            before - datetime.timedelta(days=20), datetime.time(22), tzinfo=LONDON
        )
        back = went + datetime.timedelta(hours=14)
        event_services.missing_episode_record(
            child=child,
            by=worker,
            went_missing_at=went,
            returned_at=back,
            reported_to_police=True,
            interview_done=True,
            interview_by="Return home interview service (demo)",
            interview_on=back.date() + datetime.timedelta(days=2),
            notes="Found at a friend's house; would not say who they were with (demo).",
        )
