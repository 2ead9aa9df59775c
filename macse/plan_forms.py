"""Forms of the MACSE plan pages: adding an action to a plan, and recording an action's progress.
Field validation only: the rules (an owner, a due date, which headings) are in macse.services."""

from django import forms

from cse_framework.accounts.models import Agency, User
from cse_framework.forms import GovukDateField, SectionedFormMixin
from macse.models import Action
from macse.plan_selectors import headings

NEEDS_DETAILS = (Action.About.PERPETRATOR, Action.About.LOCATION)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.agency})" if obj.agency_id else obj.full_name


def _owners():
    return User.objects.filter(is_active=True).select_related("agency").order_by("full_name")


class ActionForm(SectionedFormMixin, forms.Form):
    """An action of a MACSE plan: under which heading, about whom, what for, who does it and by
    when. Its owner is a user, or a named contact at an agency without an account."""

    sections = [
        ("The action", ["section", "about", "about_details", "desired_outcome", "description"]),
        ("Who and when", ["owner", "owner_name", "agency", "due_on"]),
    ]
    section = forms.ChoiceField(
        label="Heading",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the heading the action comes under"},
    )
    about = forms.ChoiceField(
        label="Who or what is the action about?",
        widget=forms.RadioSelect,
        choices=Action.About.choices,
        initial=Action.About.CHILD,
        error_messages={"required": "Choose who or what the action is about"},
    )
    about_details = forms.CharField(
        label="The person or place (for a perpetrator or a location)",
        help_text="For example a name or nickname, an address, a venue or an online platform.",
        max_length=300,
        required=False,
    )
    desired_outcome = forms.CharField(
        label="Desired outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the outcome the action is for"},
    )
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what is to be done"},
    )
    owner = OwnerChoiceField(
        label="Owner (a user of this service)",
        queryset=User.objects.none(),
        empty_label="Select the owner",
        required=False,
    )
    owner_name = forms.CharField(
        label="Or a named contact at an agency, without an account",
        help_text="The MACSE administrator records their progress.",
        max_length=200,
        required=False,
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        help_text="Leave it unselected to use the owner's agency.",
        queryset=Agency.objects.none(),
        empty_label="Select the agency",
        required=False,
    )
    due_on = GovukDateField(label="Due date", allow_future=True, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Action.Section.choices)
        self.fields["section"].choices = [(value, labels[value]) for value in headings()]
        self.fields["owner"].queryset = _owners()
        self.fields["agency"].queryset = Agency.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("about") in NEEDS_DETAILS and not data.get("about_details", "").strip():
            self.add_error("about_details", "Say who or where the action is about")
        if data.get("owner") and data.get("owner_name", "").strip():
            self.add_error("owner_name", "Choose a user or enter a named contact, not both")
        return data

    def service_fields(self) -> dict:
        """The action's fields as macse.services.action_add takes them."""
        data = self.cleaned_data
        return {
            "section": data["section"],
            "about": data["about"],
            "about_details": data["about_details"].strip(),
            "desired_outcome": data["desired_outcome"].strip(),
            "description": data["description"].strip(),
            "owner": data.get("owner"),
            "owner_name": data["owner_name"].strip(),
            "agency": data.get("agency"),
            "due_on": data.get("due_on"),
        }


MISSING_VERSION = "This form is out of date: open the action again and make your update"


class ProgressForm(forms.Form):
    """What has been done, and the action's status now. Done meets the action's clock;
    cancelled means it is no longer needed."""

    note = forms.CharField(
        label="Progress",
        help_text="What has been done since the last update, and what is still to do.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,  # macse.services.action_progress asks for it
    )
    status = forms.ChoiceField(
        label="Status of the action",
        widget=forms.RadioSelect,
        choices=Action.Status.choices,
        error_messages={"required": "Choose the action's status"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(action: Action) -> dict:
        return {"status": action.status, "version": action.version}

    def clean(self):
        data = super().clean()
        if data.get("version") is None:
            self.add_error(None, MISSING_VERSION)
        return data


class PlanDetailsForm(forms.Form):
    """The plan's header: who leads it, and the young person's views."""

    lead_professional = OwnerChoiceField(
        label="Lead professional",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not named yet",
    )
    young_person_views = forms.CharField(
        label="The young person's views",
        help_text="Their wishes and feelings about the plan, in their words where you can",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = _owners()
