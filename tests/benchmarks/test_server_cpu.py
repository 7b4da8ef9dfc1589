"""``benchmarks/common.py``'s ``ServerCpu``: the import benchmark's figure for the database
server's own work."""

import getpass
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "common.py"
BURN = "import time\nwhile time.process_time() < {seconds}:\n    pass\n"


@pytest.fixture(scope="module")
def common():
    spec = importlib.util.spec_from_file_location("benchmark_common", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_counts_the_cpu_of_processes_that_start_and_end_inside(common):
    with common.ServerCpu(user=getpass.getuser(), interval=0.05) as server:
        subprocess.run([sys.executable, "-c", BURN.format(seconds=0.6)], check=True)
    # the child's last 0.05 s may fall after its final reading
    assert server.seconds >= 0.45


def test_an_unknown_user_gives_no_figure(common):
    with common.ServerCpu(user="no-such-user-here") as server:
        pass
    assert server.seconds is None
