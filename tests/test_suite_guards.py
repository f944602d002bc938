"""The suite cannot go quietly green: CI mode is read one way everywhere, and skips are loud.

Was: CI mode meant ``CI == "true"`` exactly, so ``CI=1`` or ``CI=True`` skipped about 470
tests (PostgreSQL variants, production, browser) in a green run; a plain run skipped them
with one line each in the short summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import in_ci, service_missing

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value", ["true", "1", "True", "TRUE", "yes", "on", "github"])
def test_any_set_ci_value_is_ci_and_a_missing_service_fails(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="required under CI"):
        service_missing("redis-server", RuntimeError("not installed"))


@pytest.mark.parametrize("value", [None, "", "0", "false", "False", "no", "off"])
def test_without_ci_a_missing_service_is_skipped(
    value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    assert not in_ci()
    with pytest.raises(pytest.skip.Exception, match="redis-server is not reachable"):
        service_missing("redis-server", RuntimeError("not installed"))


def _run(folder: Path, ci: str) -> subprocess.CompletedProcess[str]:
    """pytest on ``folder`` with the suite's hooks (tests/conftest.py as a plugin)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-q", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_run_that_skips_ends_with_a_banner_counting_the_skips_by_reason(
    tmp_path: Path,
) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n"
        "from tests.conftest import service_missing\n\n"
        "@pytest.mark.parametrize('n', range(3))\n"
        "def test_needs_redis(n):\n"
        "    service_missing('redis-server', RuntimeError('not installed'))\n\n"
        "def test_other():\n"
        "    pytest.skip('no GPU here')\n\n"
        "def test_fine():\n"
        "    pass\n"
    )
    plain = _run(tmp_path, ci="")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "4 TESTS SKIPPED: this run is NOT complete" in plain.stdout, plain.stdout
    assert "     3 skipped: redis-server is not reachable: not installed" in plain.stdout
    assert "     1 skipped: no GPU here" in plain.stdout

    under_ci = _run(tmp_path, ci="1")
    assert under_ci.returncode == 1, under_ci.stdout
    assert "3 failed" in under_ci.stdout and "required under CI" in under_ci.stdout


def test_a_run_without_skips_has_no_banner(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text("def test_fine():\n    pass\n")
    run = _run(tmp_path, ci="")
    assert run.returncode == 0 and "SKIPPED" not in run.stdout, run.stdout
