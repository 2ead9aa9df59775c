"""Form rendering with the GOV.UK Design System (docs/adr/0002-form-rendering.md)."""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
