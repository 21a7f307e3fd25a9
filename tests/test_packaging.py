"""`pip install .` gives an app that starts: the wheel carries the templates, the question bank and the
compiled catalogs, and gunicorn serves the Finnish start page from outside the checkout."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import gunicorn

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_environment_and_serves_the_start_page(tmp_path):
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--no-build-isolation",
        "-q", "-w", wheels)  # fmt: skip
    (wheel,) = wheels.glob("vaalikone-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", wheel)
    # The dependencies come from the test environment's own site-packages (no download needed); the
    # package itself only from the wheel: a .pth adds the directory without running its .pth files.
    target = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
                  .stdout.strip())  # fmt: skip
    (target / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VAALIKONE_", "PYTHON"))
    }
    env["VAALIKONE_DATABASE"] = str(tmp_path / "new.db")
    found = run(python, "-c", "import vaalikone; print(vaalikone.__file__)", cwd=outside, env=env)
    assert found.stdout.startswith(str(venv)), found.stdout
    with gunicorn(
        ["vaalikone.wsgi:app", "--workers", "1"], {**env, "PYTHON": str(python)}, outside
    ) as url:
        with urllib.request.urlopen(f"{url}/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200
        assert '<html lang="fi"' in page and "Vaalikone" in page
        with urllib.request.urlopen(f"{url}/?lang=sv", timeout=10) as response:
            assert "Valkompass" in response.read().decode()  # the compiled Swedish catalog
    assert (tmp_path / "new.db").exists()
