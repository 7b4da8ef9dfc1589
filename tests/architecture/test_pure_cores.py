"""The engine and the readers must stay usable without Django."""

import subprocess
import sys

import pytest

PURE_PACKAGES = ["ctgov", "eligibility"]


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_imports_without_django(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if not mod.name.endswith('__main__'):\n"
        "        importlib.import_module(mod.name)\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'ninja'})\n"
        "print(','.join(leaked))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"{package} pulled in {result.stdout.strip()}"
