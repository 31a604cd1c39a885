"""benefits/licensing.py must stay pure: standard library and python-dateutil only."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSING = ROOT / "benefits" / "licensing.py"
ALLOWED_THIRD_PARTY = {"dateutil"}


def imported_top_level_names() -> set[str]:
    tree = ast.parse(LICENSING.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_licensing_imports_only_the_standard_library_and_dateutil():
    foreign = {
        name
        for name in imported_top_level_names()
        if name not in sys.stdlib_module_names and name not in ALLOWED_THIRD_PARTY
    }
    assert foreign == set()


def test_importing_licensing_loads_no_django():
    # benefits/__init__.py is empty, so importing the module must not pull Django in.
    code = (
        "import sys; import benefits.licensing;"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_licensing_reads_no_clock():
    source = LICENSING.read_text()
    for call in ("date.today(", "datetime.now(", "datetime.utcnow(", "time.time("):
        assert call not in source
