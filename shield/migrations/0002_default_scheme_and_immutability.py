"""The default CSE2 scheme (D1, D2; domain.md 2.5), and the database's own refusal to change a
completed CSE2 or its parts, whatever path the change takes (queryset.update(), the admin, SQL).

PostgreSQL refuses updates and deletes; SQLite (the embedded default) refuses updates, and leaves
deletes to the model layer, because Django empties SQLite tables with DELETE between tests."""

from django.db import migrations

ANCHORS = {
    "0": "No concern",
    "1-2": "Some concern",
    "3-4": "Significant concern",
    "5-6": "Direct evidence linked to CSE",
}
CATEGORIES = [
    ("Missing episodes (home, care or school)", "How often, how long, where found, who with."),
    ("Education: attendance and engagement", "Attendance, exclusions, part-time timetable."),
    ("Sexual health and sexual behaviour", "STIs, pregnancy, risky or sexualised behaviour."),
    ("Accommodation and family or home relationships", "Placement stability, conflict at home."),
    (
        "Peer and adult associations",
        'Older "boyfriend", risky adults, exploited peers, hotspots, vehicles.',
    ),
    ("Drug and alcohol misuse", "Use, supply, being given substances."),
    (
        "Ability to recognise exploitation and engagement with services",
        "Does the young person see the risk; do they engage.",
    ),
    (
        "Emotional, mental and physical health",
        "Self-harm, unexplained injuries, eating disorder.",
    ),
]
BANDS = [("lower", 0, 18), ("medium", 19, 34), ("high", 35, 54)]
FLOORS = [
    ("under_age", 13, "medium"),
    ("learning_disability", None, "medium"),
    ("category_at_maximum", None, "medium"),
    ("disclosure", None, "high"),
]


def default_scheme(apps, schema_editor):
    Scheme = apps.get_model("shield", "ScoringScheme")
    if Scheme.objects.filter(code="CSE2-default-v1").exists():
        return
    scheme = Scheme.objects.create(
        code="CSE2-default-v1",
        name="CSE2 default scheme",
        version=1,
        current=True,
        judgement_min=0,
        judgement_max=6,
        notes=(
            "Bands borrowed from the Merseyside CCE measurement tool: confirm with Shield and the "
            "LSCB (domain.md 2.5)."
        ),
    )
    for number, (name, guidance) in enumerate(CATEGORIES, start=1):
        apps.get_model("shield", "ScoringCategory").objects.create(
            scheme=scheme, number=number, name=name, guidance=guidance, anchors=ANCHORS
        )
    for code, low, high in BANDS:
        apps.get_model("shield", "Band").objects.create(
            scheme=scheme, code=code, min_total=low, max_total=high
        )
    for rule, age, band in FLOORS:
        apps.get_model("shield", "Floor").objects.create(
            scheme=scheme, rule=rule, age=age, band=band
        )


PARTS = ["shield_categoryscore", "shield_assessmentattendee", "shield_monitoringrecord"]
MESSAGE = "A completed CSE2 cannot be changed: record a correction instead"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_completed_assessment() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'completed' THEN
            RAISE EXCEPTION '{MESSAGE} (assessment %%)', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER shield_assessment_immutable BEFORE UPDATE OR DELETE ON shield_assessment
    FOR EACH ROW EXECUTE FUNCTION shield_refuse_completed_assessment()
    """,
    f"""
    CREATE OR REPLACE FUNCTION shield_refuse_part_of_completed() RETURNS trigger AS $$
    BEGIN
        IF (TG_OP <> 'INSERT' AND EXISTS (
                SELECT 1 FROM shield_assessment
                WHERE id = OLD.assessment_id AND status = 'completed'))
           OR (TG_OP <> 'DELETE' AND EXISTS (
                SELECT 1 FROM shield_assessment
                WHERE id = NEW.assessment_id AND status = 'completed')) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_immutable BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION shield_refuse_part_of_completed()
        """
        for table in PARTS
    ),
]
POSTGRESQL_UNDO = [
    "DROP TRIGGER IF EXISTS shield_assessment_immutable ON shield_assessment",
    *(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}" for table in PARTS),
    "DROP FUNCTION IF EXISTS shield_refuse_completed_assessment()",
    "DROP FUNCTION IF EXISTS shield_refuse_part_of_completed()",
]
SQLITE = [
    f"""
    CREATE TRIGGER shield_assessment_immutable BEFORE UPDATE ON shield_assessment
    FOR EACH ROW WHEN OLD.status = 'completed'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    *(
        f"""
        CREATE TRIGGER {table}_{event.lower()}_immutable BEFORE {event} ON {table}
        FOR EACH ROW WHEN EXISTS (
            SELECT 1 FROM shield_assessment WHERE id = {row}.assessment_id AND status = 'completed'
        )
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """
        for table in PARTS
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"))
    ),
]
SQLITE_UNDO = [
    "DROP TRIGGER IF EXISTS shield_assessment_immutable",
    *(
        f"DROP TRIGGER IF EXISTS {table}_{event}_immutable"
        for table in PARTS
        for event in ("insert", "update")
    ),
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("shield", "0001_cse2_and_casework")]

    operations = [
        migrations.RunPython(default_scheme, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
