"""Template helpers that render Django form fields as GOV.UK Design System components."""

from django import forms, template

register = template.Library()

_INPUT_CLASS = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
}


@register.filter
def govuk_kind(bound_field) -> str:
    """Which GOV.UK component renders this field."""
    widget = bound_field.field.widget
    if widget.is_hidden:
        return "hidden"
    # CheckboxSelectMultiple is a subclass of RadioSelect: asked first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


def described_by(bound_field) -> str:
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def govuk_widget(bound_field):
    """The field's own widget with the GOV.UK classes, error state and aria-describedby."""
    kind = govuk_kind(bound_field)
    base = _INPUT_CLASS.get(kind, "")
    existing = bound_field.field.widget.attrs.get("class", "")
    classes = [base, existing]
    if bound_field.errors and kind in ("input", "textarea", "select"):
        classes.append(f"{base}--error")
    if bound_field.errors and kind == "multi":
        classes.append("govuk-input--error")  # each box of a date input
    attrs = {"class": " ".join(c for c in classes if c)}
    if described := described_by(bound_field):
        attrs["aria-describedby"] = described
    return bound_field.as_widget(attrs=attrs)


@register.filter
def field_error_id(bound_field) -> str:
    """Where the error summary links to: the first input of the field."""
    kind = govuk_kind(bound_field)
    if kind in ("radios", "checkboxes", "multi"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def duration_hours(value) -> str:
    """A timedelta as "3 hours 20 minutes" (negative: not yet received)."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 0:
        return "Not received yet"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} hour{'s' if hours != 1 else ''} {minutes} minute{'s' if minutes != 1 else ''}"


@register.filter
def clock_label(kind: str) -> str:
    """A clock's kind as its name ("strategy_discussion" -> "Strategy discussion")."""
    from cse_framework.timescales.clocks import Kind

    return Kind(kind).label if kind in Kind.values else kind


@register.filter
def breach_reason_label(code: str) -> str:
    from cse_framework.timescales.models import Deadline

    return Deadline.BreachReason(code).label if code else "No reason given yet"


MONTHS = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@register.filter
def short_date(value) -> str:
    """A date, "5 Nov 2026": the date filter's "j M Y" at a fraction of its cost, for long
    lists and for rows worked out in Python."""
    return f"{value.day} {MONTHS[value.month]} {value.year}" if value else ""


@register.filter
def london(value, with_year: bool = True) -> str:
    """A moment in Europe/London time, "5 Nov 2026 14:30" ("5 Nov 14:30" with False): the
    date filter's "j M Y H:i" at a fraction of its cost, for long lists."""
    if not value:
        return ""
    from cse_framework.timescales.working_time import LONDON

    local = value.astimezone(LONDON)
    year = f" {local.year}" if with_year else ""
    return f"{local.day} {MONTHS[local.month]}{year} {local.hour:02d}:{local.minute:02d}"
