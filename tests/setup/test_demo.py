"""The README's promises: `trialmatch demo` gives a working site with the sample catalogue,
and CI runs the README's test command."""

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_tasks_db.models import DBTaskResult

from matching.models import SimilarTrial
from tests.conftest import PROJECT_ROOT
from trialmatch.management.commands import demo
from trials.models import Trial


@pytest.mark.django_db
def test_demo_without_shared_data_loads_the_seed_and_points_to_sync(monkeypatch, capsys):
    monkeypatch.setattr(demo, "SHARED_CATALOGUE", Path("/nonexistent/shared/data/ctgov"))

    call_command("demo", no_serve=True)

    out = capsys.readouterr().out
    assert list(Trial.objects.values_list("nct_id", flat=True)) == ["NCT04521231"]
    assert "trialmatch sync --status RECRUITING --limit 300" in out
    assert "1 trials in the catalogue." in out


@pytest.mark.django_db(transaction=True)
def test_demo_runs_the_queued_refresh_so_trial_pages_show_similar_trials(
    monkeypatch, tmp_path, database_tasks, client
):
    catalogue = tmp_path / "ctgov"
    catalogue.mkdir()
    studies = [
        {
            "protocolSection": {
                "identificationModule": {"nctId": nct_id, "briefTitle": title},
                "statusModule": {"overallStatus": "RECRUITING"},
                "conditionsModule": {"conditions": ["Non-small Cell Lung Cancer"]},
            }
        }
        for nct_id, title in [
            ("NCT00000001", "Pembrolizumab in NSCLC"),
            ("NCT00000002", "Nivolumab in NSCLC"),
        ]
    ]
    (catalogue / "studies.jsonl").write_text("".join(json.dumps(s) + "\n" for s in studies))
    monkeypatch.setattr(demo, "SHARED_CATALOGUE", catalogue)

    call_command("demo", no_serve=True, stdout=io.StringIO(), stderr=io.StringIO())

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert SimilarTrial.objects.filter(
        trial__nct_id="NCT00000001", similar__nct_id="NCT00000002"
    ).exists()
    page = client.get("/trials/NCT00000001/").content.decode()
    assert "Nivolumab in NSCLC" in page


def test_serve_rejects_a_port_out_of_range():
    with pytest.raises(CommandError, match="--port must be between 1 and 65535") as error:
        call_command("serve", port=70000)
    assert error.value.returncode == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.mark.slow
def test_readme_demo_command_serves_the_catalogue(tmp_path):
    """`trialmatch demo` from an empty data directory: blinatumomab finds the seed trial first."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRIALMATCH_HOME"] = str(tmp_path)
    command = [sys.executable, "-m", "trialmatch", "demo", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = _get(f"http://127.0.0.1:{port}/?q=blinatumomab", time.monotonic() + 300)
        trial_page = _get(f"http://127.0.0.1:{port}/trials/NCT04521231/", time.monotonic() + 10)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert f"TrialMatch is running at http://localhost:{port}/" in output
    first = re.search(r"/trials/(NCT\d{8})/", page)
    assert first and first.group(1) == "NCT04521231"
    assert "Participants" in trial_page or "End date" in trial_page


def test_ci_runs_the_readme_test_command():
    readme = (PROJECT_ROOT / "README.md").read_text()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text()
    assert "\n./scripts/test\n" in readme
    assert re.search(r"^exec \./scripts/test$", ci, re.M)
