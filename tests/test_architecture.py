"""The layers hold: the import contracts in setup.cfg pass, and they catch a violation when one is made."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    ("module", "violation", "reported"),
    [
        # The domain layer reaching for Flask.
        ("domain/places.py", "from flask import current_app", "vaalikone.domain is not allowed to import flask"),
        # One blueprint importing another.
        ("web/candidate/routes.py", "from vaalikone.web.voter import routes", "Blueprints never import each other BROKEN"),
        # Matching reaching up into the web layer.
        ("matching/voting.py", "from vaalikone.web import templating", "vaalikone.matching.voting -> vaalikone.web.templating"),
    ],
)  # fmt: skip
def test_a_violation_breaks_the_contracts(tmp_path, module, violation, reported):
    root = copy_of_the_package(tmp_path)
    source = root / "vaalikone" / module
    source.write_text(source.read_text() + f"\n{violation}  # noqa\n")
    result = lint_imports(root)
    assert result.returncode != 0
    assert reported in result.stdout
