"""The ``trialmatch`` command: Django's management commands under the project's name."""

import os
import sys
from typing import TextIO

# Commands that read or write the site's database. On a fresh install they prepare its schema
# first, so that `trialmatch import FILE` or `trialmatch match` work without a separate
# `trialmatch migrate` instead of failing on a missing table.
USES_DATABASE = frozenset(
    {
        "changepassword",
        "createsuperuser",
        "criteria",
        "embed",
        "import",
        "match",
        "screen",
        "search",
        "serve",
        "show",
        "similar",
        "sync",
        "worker",
    }
)


def prepare_database(err: TextIO) -> None:
    """Apply the migrations the database lacks, saying so on ``err``."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        err.write("Preparing the database (applying its migrations) ...\n")
        call_command("migrate", interactive=False, verbosity=0)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trialmatch.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    if args and args[0] in USES_DATABASE:
        django.setup()
        try:
            prepare_database(sys.stderr)
        except DatabaseError as error:
            sys.stderr.write(f"CommandError: cannot use the database: {error}\n")
            sys.exit(1)
    execute_from_command_line(["trialmatch", *args])


if __name__ == "__main__":
    main()
