"""The import contract in ``.importlinter`` catches a reversed import.

``.ci/run`` runs ``lint-imports`` on the real tree; these tests run it on a copy
of the app code with one import added, so a contract that silently stopped
covering an app (a typo in a layer name, a too-wide ignore) fails here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("common", "audit", "ops", "customers", "staff", "orders", "invoices", "privacy", "config")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@pytest.fixture(scope="module")
def app_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("layers")
    for app in APPS:
        shutil.copytree(ROOT / app, copy / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    return copy


def lint(copy: Path, module: str, line: str) -> subprocess.CompletedProcess:
    path = copy / module
    original = path.read_text()
    path.write_text(f"{original}\n{line}\n")
    try:
        return subprocess.run(
            [LINT_IMPORTS, "--no-cache", "--no-logo"],
            cwd=copy,
            env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        path.write_text(original)


def test_the_contract_holds_for_the_app_code(app_copy):
    result = lint(app_copy, "common/__init__.py", "")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "importer", "imported"),
    [
        ("customers/services.py", "import orders.models  # noqa", "customers.services", "orders.models"),
        ("staff/views.py", "from customers import access  # noqa", "staff.views", "customers.access"),
        ("customers/views.py", "import staff.views  # noqa", "customers.views", "staff.views"),
        ("common/money.py", "import invoices.models  # noqa", "common.money", "invoices.models"),
        ("audit/services.py", "import customers.models  # noqa", "audit.services", "customers.models"),
        ("ops/health.py", "import audit.models  # noqa", "ops.health", "audit.models"),
        ("orders/services.py", "import config.urls  # noqa", "orders.services", "config.urls"),
        ("invoices/selectors.py", "import privacy.services  # noqa", "invoices.selectors", "privacy.services"),
        ("privacy/services.py", "import config.urls  # noqa", "privacy.services", "config.urls"),
    ],
)
def test_a_reversed_import_breaks_the_contract(app_copy, module, line, importer, imported):
    result = lint(app_copy, module, line)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    assert f"{importer} -> {imported}" in result.stdout
