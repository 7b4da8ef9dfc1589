"""``trialmatch import`` and ``trialmatch show``: the contract people and scripts rely on."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.conftest import shared_path
from tests.importing.helpers import item, make_record
from trials.models import ChangeEvent, ImportFailure, ImportRun, Trial
from trials.services.importing import import_items

pytestmark = pytest.mark.django_db


def trialmatch(*args: str) -> tuple[int, str, str]:
    """Run a command as the console script would: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


def v2_line(nct_id: str, title: str = "A study", status: str = "RECRUITING") -> str:
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": nct_id, "briefTitle": title},
            "statusModule": {
                "overallStatus": status,
                "lastUpdatePostDateStruct": {"date": "2024-01-15"},
            },
            "conditionsModule": {"conditions": ["Asthma"]},
        }
    }
    return json.dumps(study)


def test_the_seed_trial_imports(seed_path):
    status, out, err = trialmatch("import", str(seed_path))
    assert (status, out.splitlines()[-1], err) == (
        0,
        "imported 1, updated 0, unchanged 0, failed 0",
        "",
    )
    trial = Trial.objects.get(nct_id="NCT04521231")
    assert trial.title.startswith("A Phase 1/2 Open-label Study")
    assert trial.last_update_posted == date(2022, 10, 14)
    assert trial.completion_date == date(2025, 5, 7)
    assert "Inclusion" in trial.eligibility_criteria
    assert ChangeEvent.objects.get(trial=trial).kind == "created"


@pytest.mark.slow
def test_importing_all_shared_data_twice_leaves_everything_unchanged_the_second_time(seed_path):
    paths = [
        str(shared_path("ctgov", "v2", "studies.jsonl")),
        str(shared_path("ctgov", "legacy-xml")),
        str(seed_path),
    ]
    status, out, err = trialmatch("import", *paths)
    assert (status, err) == (0, "")
    first = out.splitlines()[-1]
    assert first.startswith("imported ") and first.endswith(", failed 0")
    total = Trial.objects.count()
    assert total > 500
    status, out, err = trialmatch("import", *paths)
    # 467 v2 studies, 126 XML studies and the seed; one trial is in two of them.
    assert (status, out.splitlines()[-1], err) == (
        0,
        f"imported 0, updated 0, unchanged {total + 1}, failed 0",
        "",
    )


def test_broken_records_are_named_on_stderr_and_the_good_ones_import(tmp_path: Path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                v2_line("NCT00000001"),
                '{"protocolSection": {"identificationModule": ',
                v2_line("NCT00000002"),
                json.dumps({"protocolSection": {"identificationModule": {"briefTitle": "x"}}}),
                v2_line("NCT00000003"),
            ]
        )
        + "\n"
    )
    status, out, err = trialmatch("import", str(path))
    assert status == 1
    assert out.splitlines()[-1] == "imported 3, updated 0, unchanged 0, failed 2"
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path} line 2: ")
    assert lines[1].startswith(f"{path} line 4: ")
    assert sorted(Trial.objects.values_list("nct_id", flat=True)) == [
        "NCT00000001",
        "NCT00000002",
        "NCT00000003",
    ]
    assert ImportFailure.objects.count() == 2


def test_a_path_that_is_not_there_is_a_failure_not_a_traceback(tmp_path: Path, seed_path):
    missing = tmp_path / "nope.jsonl"
    status, out, err = trialmatch("import", str(missing), str(seed_path))
    assert status == 1
    assert out.splitlines()[-1] == "imported 1, updated 0, unchanged 0, failed 1"
    assert err == f"{missing}: no such file or directory\n"


def test_a_newer_copy_updates_and_counts_as_updated(tmp_path: Path):
    path = tmp_path / "one.jsonl"
    path.write_text(v2_line("NCT00000001", status="RECRUITING") + "\n")
    trialmatch("import", str(path))
    newer = json.loads(v2_line("NCT00000001", status="COMPLETED"))
    newer["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2024-05-01"
    path.write_text(json.dumps(newer) + "\n")
    status, out, _ = trialmatch("import", str(path))
    assert (status, out.splitlines()[-1]) == (0, "imported 0, updated 1, unchanged 0, failed 0")
    event = ChangeEvent.objects.get(kind="status")
    assert (event.before, event.after) == ("RECRUITING", "COMPLETED")


def test_show_json_prints_the_stored_record(seed_path):
    trialmatch("import", str(seed_path))
    status, out, _ = trialmatch("show", "nct04521231", "--json")
    assert status == 0
    assert json.loads(out) == Trial.objects.get(nct_id="NCT04521231").record
    assert json.loads(out)["nct_id"] == "NCT04521231"


def test_show_prints_a_readable_summary(seed_path):
    trialmatch("import", str(seed_path))
    _, out, _ = trialmatch("show", "NCT04521231")
    lines = out.splitlines()
    assert lines[0].startswith("NCT04521231: A Phase 1/2 Open-label Study")
    assert "Last update posted: 2022-10-14" in lines
    assert "Sites: 0" in lines


@pytest.mark.parametrize(
    ("nct_id", "message"),
    [
        ("NCT99999999", "NCT99999999 is not in the catalogue (import it first)"),
        ("nct99999999", "NCT99999999 is not in the catalogue (import it first)"),
        ("NCT123", "'NCT123' is not an NCT id (NCT followed by 8 digits)"),
        ("04521231", "'04521231' is not an NCT id (NCT followed by 8 digits)"),
    ],
)
def test_show_refuses_unknown_or_malformed_ids(nct_id, message):
    with pytest.raises(CommandError) as excinfo:
        call_command("show", nct_id, stdout=io.StringIO())
    assert str(excinfo.value) == message


def test_show_summary_spells_out_codes_and_lists_sites():
    record = make_record(
        status="ACTIVE_NOT_RECRUITING",
        sites=(("General Hospital", "Boston", "RECRUITING"), ("Clinic", "Lyon", "")),
    )
    record.phases = ["PHASE1", "PHASE2"]
    import_items([item(record)], run=ImportRun.objects.create())
    _, out, _ = trialmatch("show", "NCT00000001")
    lines = out.splitlines()
    assert lines[0] == "NCT00000001: A study of something"
    assert "Status: Active not recruiting" in lines
    assert "Phases: Phase 1, Phase 2" in lines
    assert lines[lines.index("Sites: 2") + 1 :][:2] == [
        "  - General Hospital, Boston, United States [RECRUITING]",
        "  - Clinic, Lyon, United States",
    ]


def test_import_shows_progress_on_a_terminal_and_clears_it(tmp_path: Path):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    path = tmp_path / "two.jsonl"
    path.write_text(v2_line("NCT00000001") + "\n" + v2_line("NCT00000002") + "\n")
    out, err = io.StringIO(), Terminal()

    call_command("import", str(path), stdout=out, stderr=err)

    assert "2 read: imported 2, updated 0, unchanged 0, failed 0 (" in err.getvalue()
    assert err.getvalue().endswith("\r\x1b[K")
    assert out.getvalue().strip() == "imported 2, updated 0, unchanged 0, failed 0"


def test_import_shows_no_progress_when_not_on_a_terminal(tmp_path: Path):
    path = tmp_path / "one.jsonl"
    path.write_text(v2_line("NCT00000001") + "\n")

    status, _, err = trialmatch("import", str(path))

    assert (status, err) == (0, "")
