"""The layers hold: the import contracts in setup.cfg pass, and they catch a violation when one is made."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter over the package found in `root`, with the contracts of setup.cfg."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "setup.cfg"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "vaalikone",
        tmp_path / "vaalikone",
        ignore=shutil.ignore_patterns("__pycache__", "data", "translations", "static"),
    )
    return tmp_path


def test_a_domain_module_that_imports_flask_breaks_the_contracts(tmp_path):
    root = copy_of_the_package(tmp_path)
    places = root / "vaalikone" / "domain" / "places.py"
    places.write_text(places.read_text() + "\nfrom flask import current_app  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "vaalikone.domain is not allowed to import flask" in result.stdout


def test_a_blueprint_that_imports_another_breaks_the_contracts(tmp_path):
    root = copy_of_the_package(tmp_path)
    routes = root / "vaalikone" / "web" / "candidate" / "routes.py"
    routes.write_text(routes.read_text() + "\nfrom vaalikone.web.voter import routes  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "Blueprints never import each other BROKEN" in result.stdout


def test_the_matching_layer_that_imports_the_web_breaks_the_contracts(tmp_path):
    root = copy_of_the_package(tmp_path)
    voting = root / "vaalikone" / "matching" / "voting.py"
    voting.write_text(voting.read_text() + "\nfrom vaalikone.web import templating  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert "vaalikone.matching.voting -> vaalikone.web.templating" in result.stdout
