"""Which GOV.UK component renders each kind of Django field (templates/govuk/forms/field.html)."""

from django import forms

from cse_framework.templatetags.govuk import govuk_kind

CHOICES = [("a", "A"), ("b", "B")]


class Everything(forms.Form):
    radios = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    checkboxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    checkbox = forms.BooleanField()
    text = forms.CharField(widget=forms.Textarea)
    select = forms.ChoiceField(choices=CHOICES)
    line = forms.CharField()
    hidden = forms.CharField(widget=forms.HiddenInput)


def test_each_kind_of_field_gets_its_component():
    form = Everything()
    kinds = {name: govuk_kind(form[name]) for name in form.fields}
    assert kinds == {
        "radios": "radios",
        "checkboxes": "checkboxes",  # a subclass of RadioSelect in Django: told apart first
        "checkbox": "checkbox",
        "text": "textarea",
        "select": "select",
        "line": "input",
        "hidden": "hidden",
    }


def test_a_group_of_checkboxes_renders_as_govuk_checkboxes():
    html = Everything()["checkboxes"].as_field_group()
    assert "govuk-checkboxes__input" in html and 'type="checkbox"' in html
    assert "govuk-radios" not in html
