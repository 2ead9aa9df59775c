"""How a pack's values read in the PDF and on the pages."""

import datetime as dt

from django import template

from cse_framework.timescales.working_time import LONDON

register = template.Library()


@register.filter
def pack_value(value) -> str:
    """A value of the pack's JSON as a reader reads it: lists joined, dates and times in
    Europe/London, nothing as a dash."""
    if value in (None, "", [], {}):
        return "-"
    if isinstance(value, list):
        return "; ".join(pack_value(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {pack_value(item)}" for key, item in value.items())
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None:
            return f"{moment.astimezone(LONDON):%d %b %Y %H:%M}"
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return f"{dt.date.fromisoformat(text):%d %b %Y}"
        except ValueError:
            return text
    return text
