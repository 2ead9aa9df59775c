"""The records as they stood at an instant, read from django-simple-history's tables (D20).

``as_at(Model, instant)`` is a queryset of ``Model``'s historical rows: for each object, the
latest version recorded before ``instant``, left out if that version is its deletion. It carries
the model's own field names (``child_id``, ``status``...), so it is filtered, joined and counted
like the model itself, in the database.

"Latest" is by ``history_date`` and then by ``history_id``, so two versions saved in the same
instant (one service saving a row twice) still leave one row per object; simple-history's own
``as_of`` keeps both in that case.
"""

import datetime as dt

from django.db.models import Exists, Model, OuterRef, Q, QuerySet


def as_at(model: type[Model], instant: dt.datetime) -> QuerySet:
    history = model.history.model
    pk = model._meta.pk.attname
    recorded = history._default_manager.filter(history_date__lt=instant)
    later = recorded.filter(**{pk: OuterRef(pk)}).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id"))
    )
    return recorded.filter(~Exists(later)).exclude(history_type="-").order_by()
