"""``trialmatch search``: the catalogue search from the command line, as a table or JSON."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials import geo
from trials.forms import VALUE_LABELS
from trials.search import MAX_PER_PAGE, GeoFilter, SearchError, SearchQuery, search

# The codes the catalogue's filters know, from the one list of them.
STATUSES = tuple(VALUE_LABELS["status"])
PHASES = tuple(VALUE_LABELS["phase"])


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def codes(given: list[str] | None, known: tuple[str, ...], option: str) -> list[str]:
    """Codes from repeated and comma-separated option values, case-insensitive and checked."""
    result: list[str] = []
    for item in given or []:
        for part in item.split(","):
            code = part.strip().upper().replace("-", "_").replace(" ", "_")
            if not code:
                continue
            if code not in known:
                raise _usage_error(
                    f"{option}: unknown value {part.strip()!r}; use one of: {', '.join(known)}"
                )
            if code not in result:
                result.append(code)
    return result


class Command(BaseCommand):
    help = (
        "Search the catalogue: full text, status and phase filters, and distance from a place. "
        "Exits with status 2 on a bad option."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", nargs="*", help="words to search for (none: browse)")
        parser.add_argument(
            "--status",
            action="append",
            metavar="S",
            help="overall status code (RECRUITING, COMPLETED ...); repeat or comma-separate",
        )
        parser.add_argument(
            "--phase",
            action="append",
            metavar="P",
            help="phase code (PHASE1, PHASE2 ... NA); repeat or comma-separate",
        )
        parser.add_argument(
            "--near", metavar="PLACE", help='"LAT,LON", or a city or postcode of a site'
        )
        parser.add_argument(
            "--radius-km", type=float, metavar="R", help="only trials with a site within R km"
        )
        parser.add_argument(
            "--limit", type=int, default=20, metavar="N", help=f"results to show (1-{MAX_PER_PAGE})"
        )
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        query = self._query(options)
        try:
            page = search(query)
        except SearchError as exc:
            raise _usage_error(str(exc)) from None
        results = [
            {
                "nct_id": hit.nct_id,
                "title": hit.title,
                "status": hit.status,
                "score": round(hit.score, 6),
                "distance_km": hit.distance_km,
            }
            for hit in page.hits
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"total": page.total, "results": results}))
            return
        self._table(page.total, results, near=query.near is not None, capped=page.capped)

    def _query(self, options: dict[str, Any]) -> SearchQuery:
        limit = options["limit"]
        if not 1 <= limit <= MAX_PER_PAGE:
            raise _usage_error(f"--limit must be from 1 to {MAX_PER_PAGE}, got {limit}")
        filters = {}
        if statuses := codes(options["status"], STATUSES, "--status"):
            filters["status"] = statuses
        if phases := codes(options["phase"], PHASES, "--phase"):
            filters["phase"] = phases
        radius = options["radius_km"]
        near = None
        if options["near"] is not None:
            try:
                point = geo.resolve_place(options["near"])
            except geo.PlaceError as exc:
                raise _usage_error(f"--near: {exc}") from None
            if point is None:
                raise _usage_error(
                    f"--near: no site in the catalogue is in {options['near']!r}; "
                    'give "LAT,LON", a city or a postcode'
                )
            if radius is not None and not radius > 0:
                raise _usage_error(f"--radius-km must be more than 0, got {radius:g}")
            near = GeoFilter(lat=point[0], lon=point[1], radius_km=radius)
        elif radius is not None:
            raise _usage_error("--radius-km needs --near")
        return SearchQuery(
            text=" ".join(options["query"]), filters=filters, near=near, per_page=limit
        )

    def _table(
        self, total: int, results: list[dict[str, Any]], *, near: bool, capped: bool
    ) -> None:
        found = f"{total:,}{'+' if capped else ''} trial{'s' if total != 1 else ''}"
        self.stdout.write(f"{found} found; showing {len(results)}.")
        if not results:
            return
        header = f"{'NCT ID':<12} {'STATUS':<24} " + (f"{'KM':>8} " if near else "") + "TITLE"
        self.stdout.write(header)
        for r in results:
            distance = "" if r["distance_km"] is None else f"{r['distance_km']:.1f}"
            title = r["title"] if len(r["title"]) <= 80 else r["title"][:79] + "…"
            line = f"{r['nct_id']:<12} {r['status']:<24} " + (f"{distance:>8} " if near else "")
            self.stdout.write(line + title)
