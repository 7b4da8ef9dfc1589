"""Drop three indexes that others already cover, each of which every import paid for.

Site (trial_id) and (latitude, longitude) are prefixes of the covering indexes of 0002;
facet (trial_id) is the prefix of the unique (trial_id, name, value). Plain DROP INDEX
rather than Django's field alteration, which on SQLite rebuilds the table and loses the
indexes 0002 made in SQL.
"""

import django.db.models.deletion
from django.db import migrations, models

DROPPED = {
    "trials_site_trial_id_fef7ffd2": 'ON "trials_site" ("trial_id")',
    "trials_site_latitud_9f7aca_idx": 'ON "trials_site" ("latitude", "longitude")',
    "trials_trialfacet_trial_id_d410fba2": 'ON "trials_trialfacet" ("trial_id")',
}


def _unindexed_trial_key(model_name: str, related_name: str) -> migrations.AlterField:
    return migrations.AlterField(
        model_name=model_name,
        name="trial",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name=related_name,
            to="trials.trial",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("trials", "0002_search_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX "{name}" {target}'
                )
                for name, target in DROPPED.items()
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="site", name="trials_site_latitud_9f7aca_idx"),
                _unindexed_trial_key("site", "sites"),
                _unindexed_trial_key("trialfacet", "facets"),
            ],
        )
    ]
