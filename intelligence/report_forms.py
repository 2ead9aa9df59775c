"""The "Pass on intelligence" form (domain.md 4.2): field validation only; the rules (the time
seen not in the future, what was seen and how you know it required) are in
intelligence.services. Persons of concern, vehicles, phones and handles are fixed rows (three
of each), so the form works without JavaScript; a row left blank is skipped."""

import datetime as dt

from django import forms
from django.utils import timezone

from cse_framework.forms import GovukDateField, GovukTimeField, SectionedFormMixin
from intelligence.models import Location, Report

ROWS = 3
_TEXT = {"max_length": 200, "required": False}


def _text(label: str, **kwargs) -> forms.CharField:
    return forms.CharField(label=label, **{**_TEXT, **kwargs})


def _area(label: str, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": 4}),
        **kwargs,
    )


def add_entity_fields(form: forms.Form) -> list[tuple[str, list[str]]]:
    """Add the rows that name entities (persons of concern, vehicles, phone numbers, online
    handles and a location) to ``form``, and return their sections. The report form and the
    links page of a case record (intelligence.source_forms) share them."""
    sections = []
    for n in range(1, ROWS + 1):
        form.fields[f"person_{n}_name"] = _text("Name")
        form.fields[f"person_{n}_aliases"] = _text(
            "Other names, aliases or nicknames", help_text="Separate them with commas"
        )
        form.fields[f"person_{n}_age"] = _text("Approximate age", max_length=40)
        form.fields[f"person_{n}_description"] = _area("Description")
        sections.append(
            (
                f"Person of concern {n}",
                [f"person_{n}_{part}" for part in ("name", "aliases", "age", "description")],
            )
        )
    for n in range(1, ROWS + 1):
        form.fields[f"vehicle_{n}_registration"] = _text(
            "Registration", max_length=20, help_text="All of it or the part you know"
        )
        form.fields[f"vehicle_{n}_make"] = _text("Make", max_length=60)
        form.fields[f"vehicle_{n}_model"] = _text("Model", max_length=60)
        form.fields[f"vehicle_{n}_colour"] = _text("Colour", max_length=40)
        sections.append(
            (
                f"Vehicle {n}",
                [f"vehicle_{n}_{part}" for part in ("registration", "make", "model", "colour")],
            )
        )
    phones = []
    for n in range(1, ROWS + 1):
        form.fields[f"phone_{n}"] = _text(f"Phone number {n}", max_length=40)
        phones.append(f"phone_{n}")
    sections.append(("Phone numbers", phones))
    handles = []
    for n in range(1, ROWS + 1):
        form.fields[f"handle_{n}_platform"] = _text(
            f"Online platform or app {n}", max_length=60, help_text="For example, Snapchat"
        )
        form.fields[f"handle_{n}_handle"] = _text(f"Username or profile link {n}", max_length=300)
        handles += [f"handle_{n}_platform", f"handle_{n}_handle"]
    sections.append(("Online platforms and usernames", handles))
    form.fields["location_premises"] = _text("Premises name")
    form.fields["location_kind"] = forms.ChoiceField(
        label="Type of place", choices=Location.Kind.choices, initial=Location.Kind.OTHER
    )
    form.fields["location_address"] = _text("Address", max_length=300)
    form.fields["location_postcode"] = _text("Postcode", max_length=12)
    sections.append(
        (
            "A location",
            ["location_premises", "location_kind", "location_address", "location_postcode"],
        )
    )
    return sections


def entity_rows(data: dict) -> dict:
    """The entity rows of a cleaned form (``add_entity_fields``), as
    intelligence.services.entities_record takes them."""
    rows = range(1, ROWS + 1)
    return {
        "people": [
            {
                "name": data[f"person_{n}_name"],
                "aliases": [a for a in data[f"person_{n}_aliases"].split(",") if a.strip()],
                "approximate_age": data[f"person_{n}_age"],
                "description": data[f"person_{n}_description"],
            }
            for n in rows
        ],
        "vehicles": [
            {
                part: data[f"vehicle_{n}_{part}"]
                for part in ("registration", "make", "model", "colour")
            }
            for n in rows
        ],
        "phones": [data[f"phone_{n}"] for n in rows],
        "handles": [
            {"platform": data[f"handle_{n}_platform"], "handle": data[f"handle_{n}_handle"]}
            for n in rows
        ],
        "locations": [
            {
                "premises": data["location_premises"],
                "kind": data["location_kind"],
                "address": data["location_address"],
                "postcode": data["location_postcode"],
            }
        ],
    }


class ReportForm(SectionedFormMixin, forms.Form):
    observed_from = GovukDateField(
        label="Date seen or heard",
        allow_future=True,  # the service refuses a future time, with the time of day
        help_text="For example, 20 11 2026",
        error_messages={"required": "Enter the date it was seen or heard"},
    )
    observed_time = GovukTimeField(label="Time (if known)", required=False)
    place = _text("Where", max_length=300, help_text="For example, the gates of a school")
    pattern = _text("How often, or a pattern", max_length=300)
    what_happened = _area(
        "What was seen or heard",
        required=True,
        help_text="Who, what, when, where and how",
        error_messages={"required": "Enter what was seen or heard"},
    )
    children_mentioned = _area(
        "Children or young people mentioned",
        help_text="Named or described: approximate age, school or uniform, area",
    )
    child_named = forms.BooleanField(
        label="A child is named and can be identified",
        required=False,
        help_text="A named child needs a referral (CSE1): we will offer to start one",
    )
    provenance = forms.ChoiceField(
        label="How do you know this?",
        choices=Report.Provenance.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you know this"},
    )
    first_hand = forms.BooleanField(label="I know this first-hand", required=False)
    who_else_knows = _area("Who else knows")
    risk_to_source = _area("Any risk to you or the source if this is shared")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sections = [
            ("When and where", ["observed_from", "observed_time", "place", "pattern"]),
            ("What was seen", ["what_happened", "children_mentioned", "child_named"]),
        ]
        sections += add_entity_fields(self)
        sections.append(
            ("How you know it", ["provenance", "first_hand", "who_else_knows", "risk_to_source"])
        )
        self.sections = sections

    def observed_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("observed_from")
        if day is None:
            return None
        time = self.cleaned_data.get("observed_time") or dt.time(0, 0)
        return timezone.make_aware(dt.datetime.combine(day, time))

    def service_fields(self) -> dict:
        """The cleaned form as intelligence.services.report_submit takes it."""
        data = self.cleaned_data
        return {
            "observed_from": self.observed_at(),
            "place": data["place"],
            "pattern": data["pattern"],
            "what_happened": data["what_happened"],
            "children_mentioned": data["children_mentioned"],
            "provenance": data["provenance"],
            "first_hand": data["first_hand"],
            "who_else_knows": data["who_else_knows"],
            "risk_to_source": data["risk_to_source"],
            **entity_rows(data),
        }
