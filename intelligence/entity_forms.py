"""Forms of the entity pages: finding an entity by what is typed, and linking two entities by hand
(police-only). Field validation and the look-up of what was typed by its normalised key only;
the link itself is made by intelligence.entity_links."""

from django import forms

from intelligence import entity_kinds, entity_selectors, normalise
from intelligence.models import EntityLink

ANY = ("", "Any kind")
TYPED = "typed"
KIND_CHOICES = [(slug, label) for slug, label in entity_kinds.LABELS.items()]
PLATFORM_CHOICES = [("", "Not an online handle, or any platform"), *normalise.PLATFORMS.items()]
TEXT_LABEL = "Registration, phone number, username, name or postcode"

OTHER_REQUIRED = "Select the record to link to, or type it"
KIND_REQUIRED = "Select what kind of record you typed"
TEXT_REQUIRED = "Enter the registration, phone number, username, name or postcode"
NOT_FOUND = "No {kind} is recorded as {text}: check it, or find the record first"
SEVERAL = "{count} records match {text}: select the one you mean above"
GONE = "That record no longer exists: select another"


class SearchForm(forms.Form):
    q = forms.CharField(label=TEXT_LABEL, max_length=300, required=False)
    kind = forms.ChoiceField(label="Kind", choices=[ANY, *KIND_CHOICES], required=False)


class RecordChoiceField(forms.ChoiceField):
    """One of the records offered, or any other by its reference ("vehicle-12"): what was
    offered when the form was shown may differ from what is offered when it is posted."""

    def valid_value(self, value) -> bool:
        return value == TYPED or entity_kinds.parse_ref(value) is not None


def _label(model, display: str) -> str:
    return f"{entity_kinds.words(model).capitalize()}: {display}"


def _offered(found) -> str:
    """An entity offered, with why it is offered: "Vehicle: XR15 K?? (likely the same)"."""
    label = _label(found.model, found.display)
    return f"{label} ({found.note.lower()})" if found.note else label


class LinkForm(forms.Form):
    """The other entity, chosen from those offered (likely the same, recently viewed) or typed
    and found by its normalised key; how the two are linked; whether the link is police-only."""

    other = RecordChoiceField(
        label="Link to",
        widget=forms.RadioSelect,
        error_messages={"required": OTHER_REQUIRED},
    )
    kind = forms.ChoiceField(
        label="Kind of record typed", choices=[("", "Select"), *KIND_CHOICES], required=False
    )
    text = forms.CharField(label=TEXT_LABEL, max_length=300, required=False)
    platform = forms.ChoiceField(label="Online platform", choices=PLATFORM_CHOICES, required=False)
    relation = forms.ChoiceField(
        label="How are they linked?",
        choices=EntityLink.Relation.choices,
        initial=EntityLink.Relation.ASSOCIATED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are linked"},
    )
    police_only = forms.BooleanField(
        label="Police-only",
        required=False,
        initial=True,
        help_text='Others see a police-only link only as "Possible link - contact police"',
    )

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [
            *((found.ref, _offered(found)) for found in offered),
            (TYPED, "Another record: type it below"),
        ]

    def _offer(self, matches) -> None:
        """Several records match what was typed: offer them to choose from."""
        self.fields["other"].choices = [
            *((entity_kinds.ref(type(m), m.pk), _label(type(m), m.display)) for m in matches),
            *self.fields["other"].choices,
        ]

    def clean(self):
        data = super().clean()
        chosen = data.get("other")
        if not chosen:
            return data
        if chosen != TYPED:
            parsed = entity_kinds.parse_ref(chosen)
            entity = parsed and parsed[0].objects.filter(pk=parsed[1]).first()
            if not entity:
                self.add_error("other", GONE)
            data["entity"] = entity
            return data
        kind, text = data.get("kind"), (data.get("text") or "").strip()
        if not kind:
            self.add_error("kind", KIND_REQUIRED)
        if not text:
            self.add_error("text", TEXT_REQUIRED)
        if not (kind and text):
            return data
        model = entity_kinds.SLUGS[kind]
        matches = list(entity_selectors.find(model, text, platform=data.get("platform") or "")[:11])
        if not matches:
            words = entity_kinds.words(model)
            self.add_error("text", NOT_FOUND.format(kind=words, text=text))
        elif len(matches) > 1:
            self._offer(matches[:10])
            count = len(matches) if len(matches) <= 10 else "More than 10"
            self.add_error("text", SEVERAL.format(count=count, text=text))
        else:
            data["entity"] = matches[0]
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "second": data["entity"],
            "relation": data["relation"],
            "police_only": data["police_only"],
        }
