"""The form of a case record's links page: the rows that name people of concern, vehicles, phone
numbers, online handles and a place, the same as the report form's (intelligence.report_forms),
so the same thing is typed the same way wherever it is named. Field validation only: the rules
are in intelligence.source_links."""

from django import forms

from cse_framework.forms import SectionedFormMixin
from intelligence.report_forms import add_entity_fields, entity_rows


class SourceLinksForm(SectionedFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = add_entity_fields(self)

    def service_fields(self) -> dict:
        """The cleaned form as intelligence.source_links.links_record takes it."""
        return entity_rows(self.cleaned_data)
