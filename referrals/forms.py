import datetime as dt

from django import forms
from django.utils import timezone

from cse_framework.accounts.models import Agency, User
from cse_framework.accounts.roles import RoleCode
from cse_framework.forms import (
    GovukDateField,
    GovukTimeField,
    OptionalRowsFormSet,
    SectionedFormMixin,
)
from cse_framework.timescales.working_time import LONDON
from referrals import matching, rules
from referrals.indicators import GROUPS, by_group
from referrals.models import (
    Child,
    ChildAlias,
    ChildIdentifier,
    Ethnicity,
    IndicatorResponse,
    Marf,
    MarfPerson,
    ParentCarer,
    PlacingAuthorityContact,
    Referral,
    YesNoNotKnown,
)
from referrals.register import CHILD_FIELDS

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes(value: str) -> bool:
    return value == "yes"


def _text(label: str, *, required: bool = False, rows: int = 4, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _yes_no(label: str, required_message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class ReferralForm(SectionedFormMixin, forms.Form):
    """The CSE1 (domain.md section 1): the referrer, the child as they know them, the concern,
    consent (D8) and who knows (D7). Saved as a draft; the checklist comes next."""

    sections = [
        ("About you", ["referrer_name", "referrer_job_title", "referrer_phone", "referrer_email"]),
        (
            "The child",
            [
                "child_given_names",
                "child_family_name",
                "child_other_names",
                "child_date_of_birth",
                "child_date_of_birth_estimated",
                "child_gender",
                "child_ethnicity",
                "child_address",
                "child_postcode",
                "child_school",
                "child_disability",
            ],
        ),
        (
            "Children's social care",
            ["child_social_care", "child_social_worker_name", "child_placing_authority"],
        ),
        (
            "Your concern",
            [
                "level_of_concern",
                "emergency",
                "models_of_exploitation",
                "circumstances",
                "observations",
                "known_people",
                "known_vehicles",
                "known_places",
            ],
        ),
        (
            "Consent and who knows",
            [
                "consent",
                "consent_override_reason",
                "parents_aware",
                "parents_not_told_reason",
                "young_person_aware",
            ],
        ),
    ]

    referrer_name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your name"}
    )
    referrer_job_title = forms.CharField(label="Your job title", max_length=200, required=False)
    referrer_phone = forms.CharField(
        label="Your phone number",
        max_length=40,
        required=False,
        help_text="MASH will call you if they need to know more",
    )
    referrer_email = forms.EmailField(
        label="Your e-mail address",
        required=False,
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    child_given_names = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages={"required": "Enter the child's first name"},
    )
    child_family_name = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    child_other_names = forms.CharField(
        label="Other names the child is known by (optional)",
        help_text="Aliases, nicknames or former names, separated by commas",
        max_length=300,
        required=False,
    )
    child_date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2012. If you do not know it, estimate it.",
        error_messages={"required": "Enter the child's date of birth"},
    )
    child_date_of_birth_estimated = forms.BooleanField(
        label="This date of birth is an estimate", required=False
    )
    child_gender = forms.ChoiceField(
        label="Gender", choices=Child.Gender.choices, widget=forms.RadioSelect, initial="not_known"
    )
    child_ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        help_text="As the child describes it, where you know",
        choices=[("", "Select ethnicity"), *Ethnicity.choices],
        required=False,
    )
    child_address = _text("Address (optional)", rows=3)
    child_postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    child_school = forms.CharField(
        label="School or college (optional)", max_length=200, required=False
    )
    child_disability = forms.CharField(
        label="Disability, special educational needs or learning disability (optional)",
        max_length=500,
        required=False,
    )
    child_social_care = forms.ChoiceField(
        label="Is the child known to children's social care?",
        choices=Referral.SocialCare.choices,
        widget=forms.RadioSelect,
        help_text="If the child's case is not open, you will also complete a MARF.",
        error_messages={"required": "Select whether the child is known to children's social care"},
    )
    child_social_worker_name = forms.CharField(
        label="Social worker's name, if you know it", max_length=200, required=False
    )
    child_placing_authority = forms.CharField(
        label="If the child was placed here by another local authority, which one?",
        max_length=200,
        required=False,
    )
    level_of_concern = forms.ChoiceField(
        label="Your level of concern",
        choices=Referral.Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select your level of concern"},
    )
    emergency = forms.BooleanField(
        label="This is an emergency: the child needs protecting now",
        required=False,
        help_text="If a child is in immediate danger, call the police on 999 first.",
    )
    models_of_exploitation = forms.MultipleChoiceField(
        label="Suspected model of exploitation (select all that apply)",
        choices=Referral.Model.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    circumstances = _text(
        "What has happened? The circumstances of any incidents",
        required=True,
        rows=6,
        error_messages={"required": "Describe what has happened"},
    )
    observations = _text("What have you seen yourself? (optional)")
    known_people = _text(
        "People you know of who may be involved (optional)",
        help_text="Names, nicknames, descriptions, ages",
        rows=3,
    )
    known_vehicles = _text(
        "Vehicles (optional)", help_text="Registration, make, model, colour", rows=3
    )
    known_places = _text(
        "Places (optional)",
        help_text="Addresses, premises, meeting places, websites or apps",
        rows=3,
    )
    consent = forms.ChoiceField(
        label="Who consented to this information being shared?",
        choices=Referral.Consent.choices,
        widget=forms.RadioSelect,
        help_text="Sharing never waits for consent when a child is at risk of significant harm.",
        error_messages={"required": "Select who consented to sharing, or why it was not needed"},
    )
    consent_override_reason = _text("If you are sharing without consent, why?", rows=3)
    parents_aware = _yes_no(
        "Do the child's parents or carers know about this referral?",
        "Select whether the parents or carers know",
    )
    parents_not_told_reason = _text(
        "If the child is under 13 and the parents will not be told, why?",
        help_text="Parents of a child under 13 must be told, unless that would expose the child "
        "to further significant harm.",
        rows=3,
    )
    young_person_aware = _yes_no(
        "Does the child or young person know about this referral?",
        "Select whether the child or young person knows",
    )

    def clean_child_date_of_birth(self):
        born = self.cleaned_data["child_date_of_birth"]
        age = rules.age_on(born, timezone.localdate())
        if age >= rules.ADULT_AGE:
            raise forms.ValidationError(
                f"The child is {age}. This framework is for children under 18: refer a young "
                "adult to Adult Services"
            )
        return born

    @staticmethod
    def initial_for(referral: Referral) -> dict:
        from referrals.services import DRAFT_FIELDS

        initial = {name: getattr(referral, name) for name in DRAFT_FIELDS}
        for name in ("parents_aware", "young_person_aware"):
            value = initial[name]
            initial[name] = "" if value is None else ("yes" if value else "no")
        return initial


class TakenReferralForm(ReferralForm):
    """The same CSE1, recorded by a MASH or EDT worker for a named referrer who phoned or
    e-mailed: the referrer's agency and contact are required."""

    sections = [
        (
            "The referrer",
            [
                "received_via",
                "referrer_name",
                "referrer_agency",
                "referrer_job_title",
                "referrer_phone",
                "referrer_email",
            ],
        ),
        *ReferralForm.sections[1:],
    ]

    received_via = forms.ChoiceField(
        label="How did the referral arrive?",
        choices=[c for c in Referral.ReceivedVia.choices if c[0] != "online"],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the referral arrived"},
    )
    referrer_agency = forms.ModelChoiceField(
        label="The referrer's agency",
        queryset=Agency.objects.all(),
        empty_label="Select the agency",
        error_messages={"required": "Select the referrer's agency"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referrer_name"].label = "The referrer's full name"
        self.fields["referrer_name"].error_messages["required"] = "Enter the referrer's name"
        self.fields["referrer_job_title"].label = "The referrer's job title"
        self.fields["referrer_phone"].label = "The referrer's phone number"
        self.fields["referrer_phone"].help_text = ""
        self.fields["referrer_email"].label = "The referrer's e-mail address"


class IndicatorChecklistForm(forms.Form):
    """The indicator checklist of domain.md 1.3: for each indicator, is it present, is that
    evidence or professional concern, and a note."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        for group, indicators in by_group().items():
            rows = []
            for indicator in indicators:
                code = indicator.code
                self.fields[code] = forms.ChoiceField(
                    label=indicator.label,
                    choices=IndicatorResponse.Present.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                self.fields[f"{code}__basis"] = forms.ChoiceField(
                    label="Is this evidence or a professional concern?",
                    choices=IndicatorResponse.Basis.choices,
                    widget=forms.RadioSelect,
                    required=False,
                )
                self.fields[f"{code}__note"] = forms.CharField(
                    label="Note (optional)", max_length=1000, required=False
                )
                rows.append(code)
            self.groups.append((group, rows))

    @staticmethod
    def initial_for(referral: Referral) -> dict:
        initial = {}
        for answer in referral.indicators.all():
            initial[answer.code] = answer.present
            initial[f"{answer.code}__basis"] = answer.basis
            initial[f"{answer.code}__note"] = answer.note
        return initial

    def clean(self):
        data = super().clean()
        for _, codes in self.groups:
            for code in codes:
                present, basis = data.get(code), data.get(f"{code}__basis")
                if present in ("yes", "possible") and not basis:
                    self.add_error(
                        f"{code}__basis",
                        f"{self.fields[code].label}: say whether this is evidence or a "
                        "professional concern",
                    )
        return data

    def answers(self) -> dict[str, tuple[str, str, str]]:
        data = self.cleaned_data
        return {
            code: (data[code], data[f"{code}__basis"] if data[code] else "", data[f"{code}__note"])
            for _, codes in self.groups
            for code in codes
        }

    def grouped_rows(self):
        return [
            (GROUPS[group], [(self[c], self[f"{c}__basis"], self[f"{c}__note"]) for c in codes])
            for group, codes in self.groups
        ]


class MarfForm(SectionedFormMixin, forms.ModelForm):
    """The MARF (domain.md section 3), for a child not known to children's social care."""

    sections = [
        ("Why you are referring", ["safeguarding_concern", "early_help_request"]),
        ("You and the child", ["referrer_relationship", "spoken_to_worker"]),
        ("Consent", ["parents_consented", "consent_explanation"]),
        (
            "The child and family",
            [
                "current_concerns",
                "child_views",
                "parents_views",
                "strengths",
                "help_tried",
                "key_professionals",
                "communication_needs",
                "keep_from_family",
            ],
        ),
    ]
    parents_consented = _yes_no(
        "Have the parents or carers consented to this referral?",
        "Select whether the parents or carers have consented",
    )

    class Meta:
        model = Marf
        fields = [
            "safeguarding_concern",
            "early_help_request",
            "referrer_relationship",
            "spoken_to_worker",
            "parents_consented",
            "consent_explanation",
            "current_concerns",
            "child_views",
            "parents_views",
            "strengths",
            "help_tried",
            "key_professionals",
            "communication_needs",
            "keep_from_family",
        ]
        labels = {
            "safeguarding_concern": "This is a safeguarding concern",
            "early_help_request": "This is a request for early help",
            "referrer_relationship": "Your relationship to the child",
            "spoken_to_worker": "MASH or early help worker you have already spoken to (optional)",
            "consent_explanation": "If the parents or carers do not know or have not consented, "
            "explain why",
            "current_concerns": "Reason for referral and current concerns",
            "child_views": "The child's views (optional)",
            "parents_views": "The parents' or carers' views (optional)",
            "strengths": "Strengths and protective factors (optional)",
            "help_tried": "Help already tried (optional)",
            "key_professionals": "Key professionals: GP, school nurse, others (optional)",
            "communication_needs": "Interpreter or communication needs (optional)",
            "keep_from_family": "Information that must not be shared with the family (optional)",
        }
        help_texts = {"referrer_relationship": "For example, class teacher, school nurse"}
        error_messages = {
            "referrer_relationship": {"required": "Enter your relationship to the child"},
            "current_concerns": {"required": "Enter the reason for the referral"},
        }
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in [
                "consent_explanation",
                "current_concerns",
                "child_views",
                "parents_views",
                "strengths",
                "help_tried",
                "key_professionals",
                "communication_needs",
                "keep_from_family",
            ]
        }

    def clean(self):
        data = super().clean()
        if data.get("parents_consented") is False and not data.get("consent_explanation"):
            self.add_error(
                "consent_explanation", "Explain why the parents or carers have not consented"
            )
        return data


PERSON_FIELDS = [
    "name",
    "relationship",
    "date_of_birth",
    "parental_responsibility",
    "contact",
    "school",
]


class MarfPersonForm(forms.ModelForm):
    """One person on the MARF. A row left blank is skipped, so nothing here has a default."""

    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    parental_responsibility = forms.ChoiceField(
        label="Has parental responsibility",
        choices=YesNoNotKnown.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_parental_responsibility(self):
        return self.cleaned_data["parental_responsibility"] or YesNoNotKnown.NOT_KNOWN

    class Meta:
        model = MarfPerson
        fields = PERSON_FIELDS
        labels = {
            "name": "Full name",
            "relationship": "Relationship to the child",
            "contact": "Address and phone (optional)",
            "school": "School (optional)",
        }
        error_messages = {"name": {"required": "Enter the person's full name"}}


PERSON_FIELDS = [
    "name",
    "relationship",
    "date_of_birth",
    "parental_responsibility",
    "contact",
    "school",
]


class MarfPersonFormSet(OptionalRowsFormSet):
    def person_rows(self, kind: str) -> list[dict]:
        return [{**row, "kind": kind} for row in self.rows() if row.get("name")]


PeopleFormSet = forms.formset_factory(MarfPersonForm, formset=MarfPersonFormSet, extra=0)


class TriageForm(forms.Form):
    """MASH's level of concern and decision, with a rationale (the framework's triage step)."""

    level_of_concern = forms.ChoiceField(
        label="MASH's level of concern",
        choices=Referral.Concern.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select MASH's level of concern"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=Referral.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    rationale = _text(
        "Why this decision?",
        required=True,
        rows=5,
        error_messages={"required": "Give the reason for the decision"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


NEW_CHILD = "new"


class ConfirmChildForm(forms.Form):
    """Which child on the register is this referral about, or is the child new?"""

    child = forms.ChoiceField(
        label="Who is this child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the child, or that the child is new to the register"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = {str(child.pk): child for child in children}
        self.fields["child"].choices = [
            *(
                (
                    str(child.pk),
                    f"{child}, born {child.date_of_birth:%-d %B %Y}"
                    + (f", {child.postcode}" if child.postcode else ""),
                )
                for child in children
            ),
            (NEW_CHILD, "None of these: add the child to the register"),
        ]

    def chosen_child(self) -> Child | None:
        return self.children.get(self.cleaned_data["child"])


class ChildSearchForm(forms.Form):
    """MASH's search of the register. POSTed, so no name is ever in a URL."""

    given_names = forms.CharField(label="First name", max_length=100, required=False)
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name"},
    )
    date_of_birth = GovukDateField(label="Date of birth (optional)", required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)

    def description(self) -> matching.Description:
        return matching.Description(
            given_names=self.cleaned_data["given_names"],
            family_name=self.cleaned_data["family_name"],
            date_of_birth=self.cleaned_data["date_of_birth"],
            postcode=self.cleaned_data["postcode"],
        )


class AuthoriseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Do you authorise this decision?",
        choices=[("authorise", "Yes, authorise it"), ("return", "No, return it to be made again")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you authorise the decision"},
    )
    reason = _text("If you are returning it, why?", rows=3)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the decision is returned")
        return data


def _managers(role: str):
    return User.objects.filter(roles__code=role, is_active=True).order_by("full_name")


class PlacingAuthorityContactForm(SectionedFormMixin, forms.ModelForm):
    """D18: the contact with the placing authority and the team managers' consultation."""

    sections = [
        (
            "The contact",
            ["contact_date", "contact_time", "method", "contact_name", "information_shared"],
        ),
        ("Consultation", ["mash_team_manager", "cse_team_manager", "next_steps"]),
    ]
    contact_date = GovukDateField(
        label="Date of the contact", error_messages={"required": "Enter the date of the contact"}
    )
    contact_time = GovukTimeField(
        label="Time of the contact",
        error_messages={
            "required": "Enter the time of the contact",
            "invalid": "Enter the time like 14:30",
        },
    )

    class Meta:
        model = PlacingAuthorityContact
        fields = [
            "method",
            "contact_name",
            "information_shared",
            "mash_team_manager",
            "cse_team_manager",
            "next_steps",
        ]
        labels = {
            "method": "How did you contact them?",
            "contact_name": "Who did you speak to?",
            "information_shared": "What did you share and learn?",
            "mash_team_manager": "MASH team manager consulted",
            "cse_team_manager": "CSE (Shield) team manager consulted",
            "next_steps": "Next steps agreed",
        }
        widgets = {
            "method": forms.RadioSelect,
            "information_shared": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = PlacingAuthorityContact.Method.choices
        self.fields["mash_team_manager"].queryset = _managers(RoleCode.MASH_TEAM_MANAGER)
        self.fields["cse_team_manager"].queryset = _managers(RoleCode.SHIELD_TEAM_MANAGER)

    def clean(self):
        data = super().clean()
        if data.get("contact_date") and data.get("contact_time"):
            at = dt.datetime.combine(data["contact_date"], data["contact_time"], tzinfo=LONDON)
            if at > timezone.now():
                self.add_error("contact_time", "The time of the contact must be in the past")
            data["contacted_at"] = at
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in self.Meta.fields} | {
            "contacted_at": data["contacted_at"]
        }


class ChildForm(SectionedFormMixin, forms.ModelForm):
    """A child's record on the register, kept up to date by MASH."""

    sections = [
        (
            "The child",
            [
                "given_names",
                "family_name",
                "date_of_birth",
                "date_of_birth_estimated",
                "gender",
                "ethnicity",
            ],
        ),
        (
            "Needs",
            [
                "disability",
                "disability_details",
                "special_educational_needs",
                "learning_disability",
            ],
        ),
        ("Where they live and learn", ["address", "postcode", "school"]),
        (
            "Children's social care",
            ["care_status", "legal_status", "allocated_social_worker", "placing_authority"],
        ),
    ]
    date_of_birth = GovukDateField(
        label="Date of birth", error_messages={"required": "Enter the date of birth"}
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Child
        fields = list(CHILD_FIELDS)
        labels = {
            "given_names": "First name",
            "family_name": "Last name",
            "date_of_birth_estimated": "This date of birth is an estimate",
            "disability_details": "Disability details (optional)",
            "special_educational_needs": "Special educational needs",
            "address": "Address (optional)",
            "postcode": "Postcode (optional)",
            "school": "School or college (optional)",
            "care_status": "Children's social care status",
            "legal_status": "Legal status, if looked after",
            "placing_authority": "Placing authority, if placed here by another local authority",
        }
        widgets = {
            "gender": forms.RadioSelect,
            "disability": forms.RadioSelect,
            "learning_disability": forms.RadioSelect,
            "special_educational_needs": forms.RadioSelect,
            "care_status": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocated_social_worker"].queryset = _managers(
            RoleCode.ALLOCATED_SOCIAL_WORKER
        )
        self.fields["allocated_social_worker"].label = "Allocated social worker (optional)"
        for name in ("gender", "disability", "learning_disability", "special_educational_needs"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        self.fields["care_status"].choices = Child.CareStatus.choices

    def clean(self):
        data = super().clean()
        if data.get("care_status") == Child.CareStatus.LOOKED_AFTER and not data.get(
            "legal_status"
        ):
            self.add_error("legal_status", "Select the legal basis of the child's care")
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ChildAliasForm(forms.ModelForm):
    class Meta:
        model = ChildAlias
        fields = ["name", "kind"]
        labels = {"name": "Name", "kind": "What kind of name is it?"}
        widgets = {"kind": forms.RadioSelect}
        error_messages = {"name": {"required": "Enter the name"}}


class ParentCarerForm(forms.ModelForm):
    class Meta:
        model = ParentCarer
        fields = [
            "name",
            "relationship",
            "parental_responsibility",
            "lives_with_child",
            "phone",
            "address",
        ]
        labels = {
            "name": "Full name",
            "parental_responsibility": "Do they hold parental responsibility?",
            "lives_with_child": "They live with the child",
            "phone": "Phone (optional)",
            "address": "Address (optional)",
        }
        widgets = {
            "parental_responsibility": forms.RadioSelect,
            "address": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "name": {"required": "Enter their full name"},
            "relationship": {"required": "Enter their relationship to the child"},
        }


class ChildIdentifierForm(forms.ModelForm):
    class Meta:
        model = ChildIdentifier
        fields = ["system", "value"]
        labels = {"system": "System", "value": "Number or reference"}
        widgets = {"system": forms.RadioSelect}
        error_messages = {"value": {"required": "Enter the number or reference"}}


DETAIL_FORMS = {
    "other-name": (ChildAliasForm, "Add another name"),
    "parent-carer": (ParentCarerForm, "Add a parent or carer"),
    "identifier": (ChildIdentifierForm, "Add a number from another system"),
}


class MergeForm(forms.Form):
    """Merge another record of the same child into this one."""

    merged = forms.ChoiceField(
        label="Which record is the same child?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the record to merge into this one"},
    )
    reason = _text(
        "Why are you sure these are the same child?",
        required=True,
        rows=3,
        error_messages={"required": "Say why these are the same child"},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(child.pk): child for child in candidates}
        self.fields["merged"].choices = [
            (key, f"{child}, born {child.date_of_birth:%-d %B %Y}")
            for key, child in self.candidates.items()
        ]


class QueueFilterForm(forms.Form):
    """The triage queue's filters (nothing personal, so a GET is fine)."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Waiting for MASH (received or awaiting authorisation)"),
            (Referral.Status.RECEIVED, "Received: waiting for a decision"),
            (Referral.Status.AWAITING_AUTHORISATION, "Decision awaiting authorisation"),
            (Referral.Status.TRIAGED, "Decided in the last 30 days"),
        ],
    )
    team = forms.ChoiceField(
        label="Received by",
        required=False,
        choices=[("", "MASH and EDT"), *Referral.ReceivedBy.choices],
    )


class AuthorisationSettingForm(forms.Form):
    decisions_need_authorisation = forms.TypedChoiceField(
        label="Must a MASH team manager authorise each triage decision before it takes effect?",
        choices=YES_NO,
        coerce=_yes,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes or no"},
    )
