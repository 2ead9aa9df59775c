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
from referrals import services as referral_services
from referrals import triage
from referrals.models import Child, Referral
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
