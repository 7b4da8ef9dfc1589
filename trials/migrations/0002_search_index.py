"""Full-text index over the trial catalogue, for whichever database is in use.

SQLite: an FTS5 external-content table over trials_trial, kept in step by triggers, with
the bm25 column weights stored as the table's default rank (title and conditions weigh most,
eligibility criteria least).
PostgreSQL: a generated tsvector column with a weight per field (A: title, conditions;
B: official title, summary, interventions; C: keywords; D: criteria) under a GIN index.
Both: an index on the browse order (recruiting first, then most recently updated), and one
covering the site columns a distance search reads (by point, and by trial), so it never
visits the site rows.
"""

from django.db import migrations

COLUMNS = (
    "title",
    "official_title",
    "brief_summary",
    "search_conditions",
    "search_interventions",
    "search_keywords",
    "eligibility_criteria",
)
# bm25 weights, in the order of COLUMNS
WEIGHTS = (10.0, 6.0, 5.0, 8.0, 6.0, 3.0, 1.0)
PG_WEIGHTS = {
    "title": "A",
    "search_conditions": "A",
    "official_title": "B",
    "search_interventions": "B",
    "brief_summary": "B",
    "search_keywords": "C",
    "eligibility_criteria": "D",
}

_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE trials_trial_fts USING fts5(
        {_cols},
        content='trials_trial', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    f"""CREATE TRIGGER trials_trial_fts_insert AFTER INSERT ON trials_trial BEGIN
        INSERT INTO trials_trial_fts(rowid, {_cols}) VALUES (new.id, {_new});
    END""",
    f"""CREATE TRIGGER trials_trial_fts_delete AFTER DELETE ON trials_trial BEGIN
        INSERT INTO trials_trial_fts(trials_trial_fts, rowid, {_cols})
        VALUES ('delete', old.id, {_old});
    END""",
    f"""CREATE TRIGGER trials_trial_fts_update AFTER UPDATE OF id, {_cols} ON trials_trial BEGIN
        INSERT INTO trials_trial_fts(trials_trial_fts, rowid, {_cols})
        VALUES ('delete', old.id, {_old});
        INSERT INTO trials_trial_fts(rowid, {_cols}) VALUES (new.id, {_new});
    END""",
    "INSERT INTO trials_trial_fts(trials_trial_fts) VALUES ('rebuild')",
    "INSERT INTO trials_trial_fts(trials_trial_fts, rank) VALUES ('rank', 'bm25({})')".format(
        ", ".join(str(w) for w in WEIGHTS)
    ),
    "CREATE INDEX trials_trial_browse ON trials_trial "
    "((overall_status <> 'RECRUITING'), last_update_posted DESC, nct_id)",
    "CREATE INDEX trials_site_geo ON trials_site (latitude, longitude, trial_id, status)",
    "CREATE INDEX trials_site_trial_geo ON trials_site (trial_id, latitude, longitude, status)",
]
SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS trials_site_trial_geo",
    "DROP INDEX IF EXISTS trials_site_geo",
    "DROP INDEX IF EXISTS trials_trial_browse",
    "DROP TRIGGER IF EXISTS trials_trial_fts_update",
    "DROP TRIGGER IF EXISTS trials_trial_fts_delete",
    "DROP TRIGGER IF EXISTS trials_trial_fts_insert",
    "DROP TABLE IF EXISTS trials_trial_fts",
]

_vector = " || ".join(
    f"setweight(to_tsvector('english'::regconfig, coalesce({c}, '')), '{PG_WEIGHTS[c]}')"
    for c in COLUMNS
)
POSTGRESQL_FORWARD = [
    f"ALTER TABLE trials_trial ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({_vector}) STORED",
    "CREATE INDEX trials_trial_search_vector ON trials_trial USING gin (search_vector)",
    "CREATE INDEX trials_trial_browse ON trials_trial "
    "((overall_status <> 'RECRUITING'), last_update_posted DESC NULLS LAST, nct_id) INCLUDE (id)",
    "CREATE INDEX trials_site_geo ON trials_site (latitude, longitude) INCLUDE (trial_id, status)",
    "CREATE INDEX trials_site_trial_geo ON trials_site (trial_id) "
    "INCLUDE (latitude, longitude, status)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS trials_site_trial_geo",
    "DROP INDEX IF EXISTS trials_site_geo",
    "DROP INDEX IF EXISTS trials_trial_browse",
    "DROP INDEX IF EXISTS trials_trial_search_vector",
    "ALTER TABLE trials_trial DROP COLUMN IF EXISTS search_vector",
]


def _run(schema_editor, by_vendor):
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD})


class Migration(migrations.Migration):

    dependencies = [
        ("trials", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
