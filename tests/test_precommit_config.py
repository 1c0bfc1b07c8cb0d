"""The pre-commit configuration is valid and runs the same checks as `make test`."""

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / ".pre-commit-config.yaml"


def test_pre_commit_accepts_the_config():
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(CONFIG)],
                          capture_output=True, text=True, timeout=120, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hooks_are_the_checks_make_test_runs():
    hooks = {h["id"]: h for repo in yaml.safe_load(CONFIG.read_text())["repos"] for h in repo["hooks"]}
    assert {"ruff", "import-linter", "typecheck"} <= set(hooks)
    makefile = (REPO / "Makefile").read_text()
    assert "ruff check" in hooks["ruff"]["entry"] and "ruff check" in makefile
    assert "lint-imports" in hooks["import-linter"]["entry"] and "lint-imports" in makefile
    assert hooks["typecheck"]["entry"] == "make typecheck" and "\ntypecheck:" in makefile
