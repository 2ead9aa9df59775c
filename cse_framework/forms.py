"""Form rendering with the GOV.UK Design System (docs/adr/0002-form-rendering.md)."""

import datetime as dt

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class GovukDateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes."""

    template_name = "govuk/forms/date_input.html"

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date entered as day, month and year, with the Design System's error messages."""

    widget = GovukDateInput

    def __init__(self, *, allow_future: bool = False, **kwargs):
        self.allow_future = allow_future
        fields = [forms.IntegerField(), forms.IntegerField(), forms.IntegerField()]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(part in (None, "") for part in data_list):
            return None
        if any(part in (None, "") for part in data_list):
            raise forms.ValidationError(f"{self.label} must include a day, month and year")
        day, month, year = data_list
        try:
            value = dt.date(int(year), int(month), int(day))
        except (ValueError, TypeError) as error:
            raise forms.ValidationError(f"{self.label} must be a real date") from error
        if year < 1900:
            raise forms.ValidationError(f"{self.label} must be a real date")
        if not self.allow_future and value > timezone.localdate():
            raise forms.ValidationError(f"{self.label} must be today or in the past")
        return value


class SectionedFormMixin:
    """A long form in headed sections: ``sections = [(heading, [field names])]``; rendered by
    ``govuk/forms/sections.html``. Fields in no section follow at the end."""

    sections: list[tuple[str, list[str]]] = []

    def section_fields(self):
        placed = set()
        result = []
        for heading, names in self.sections:
            fields = [self[name] for name in names if name in self.fields]
            placed.update(names)
            if fields:
                result.append((heading, fields))
        rest = [field for field in self.visible_fields() if field.name not in placed]
        if rest:
            result.append(("", rest))
        return result


def add_service_errors(form: forms.Form, error) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one,
    otherwise in the error summary. What the user typed is kept."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class GovukTimeField(forms.TimeField):
    """A time of day typed as 24-hour hours and minutes, for example 14:30."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 14:30")
        super().__init__(input_formats=["%H:%M", "%H.%M", "%H%M"], **kwargs)
        self.widget.attrs.update({"class": "govuk-input govuk-input--width-5"})


class OptionalRowsFormSet(forms.BaseFormSet):
    """Rows of people or actions where a row left blank is skipped, not an error."""

    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def rows(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data]
