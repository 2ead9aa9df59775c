"""A completed case note is append-only below the service too: the model and the database
refuse to change it."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from shield.casework_services import case_note_save
from shield.models.casework import CompletedNoteError
from tests.factories.shield import make_case

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 6, 2, 10, 0, tzinfo=dt.UTC)


def _completed_note():
    case = make_case()
    return case_note_save(
        by=case.worker,
        child=case.child,
        occurred_at=AT,
        text="Visited at home; she talked about school.",
        complete=True,
        now=AT + dt.timedelta(hours=1),
    )


def test_the_model_refuses_to_change_or_delete_a_completed_note():
    note = _completed_note()
    note.text = "Changed"
    with pytest.raises(CompletedNoteError):
        note.save()
    with pytest.raises(CompletedNoteError):
        note.delete()


def test_the_database_refuses_a_raw_update():
    note = _completed_note()
    statements = ["UPDATE shield_casenote SET text = 'Changed' WHERE id = %s"]
    if connection.vendor == "postgresql":
        statements.append("DELETE FROM shield_casenote WHERE id = %s")
    for sql in statements:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [note.pk])
    note.refresh_from_db()
    assert note.text.startswith("Visited")
