"""The people search, the leaver form (a choice per open item, a reason and a leaving date) and
the reactivation form."""

from django import forms

from cse_framework.accounts.models import User
from cse_framework.forms import GovukDateField
from governance.leavers import open_work
from governance.leavers.services import TEAM


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or e-mail address",
        max_length=100,
        required=False,
    )


class HandoverField(forms.ChoiceField):
    """A select of suitable people; any value is accepted here so that the service can say
    clearly what is wrong with one (a leaver, a role that cannot do the work)."""

    def valid_value(self, value) -> bool:
        return True


def _label(person: User) -> str:
    where = person.team.name if person.team_id else (person.agency.name if person.agency_id else "")
    return f"{person.full_name} ({where})" if where else person.full_name


class LeaverForm(forms.Form):
    """One choice per open item: a suitable active colleague, or back to the team where the
    item allows it. The items shown are posted back (``seen``) to detect a stale list."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    left_on = GovukDateField(
        label="Leaving date",
        help_text="Their last working day, for example 27 11 2026",
        error_messages={"required": "Enter the leaving date"},
    )
    reason = forms.CharField(
        label="Why the account is being deactivated",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the account is being deactivated"},
    )

    def __init__(self, *args, items: list[open_work.Item], leaver: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.fields["seen"].initial = ",".join(open_work.keys(items))
        candidates: dict[frozenset, list[tuple[str, str]]] = {}
        for item in items:
            if item.roles not in candidates:
                people = (
                    User.objects.filter(is_active=True, roles__code__in=item.roles)
                    .exclude(pk=leaver.pk)
                    .select_related("team", "agency")
                    .distinct()
                    .order_by("full_name", "pk")
                )
                candidates[item.roles] = [(str(person.pk), _label(person)) for person in people]
            choices = [("", "Choose who takes it")]
            if item.can_return:
                choices.append((TEAM, item.kind.return_label))
            choices += candidates[item.roles]
            self.fields[item.field_name] = HandoverField(
                label=f"Who takes {item.title}",
                choices=choices,
                help_text=f"Choose {item.roles_label}",
                error_messages={"required": f"Choose who takes {item.title}"},
            )
        # The date and the reason come after the items.
        self.order_fields([item.field_name for item in items] + ["left_on", "reason"])

    def seen_keys(self) -> list[str]:
        raw = self.data.get(self.add_prefix("seen"), "") if self.is_bound else ""
        return sorted(key for key in raw.split(",") if key)

    def choices(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(item.field_name, "") for item in self.items}

    def rows(self):
        """The items by kind, each with its field."""
        return [
            (group, [(item, self[item.field_name]) for item in group.items])
            for group in open_work.grouped(self.items)
        ]


class ReactivateForm(forms.Form):
    reason = forms.CharField(
        label="Why the account is being reactivated",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter why the account is being reactivated"},
    )
