"""Layer rules import-linter cannot express: QtWidgets only in ui/ (plus app/cli), network only in
providers/ and sync/ — read from every module's import statements (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "studio_app"
NETWORK = ("httpx", "httpx_sse", "boto3", "botocore", "requests", "urllib.request", "socket")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _modules() -> list[tuple[str, set[str]]]:
    return [(p.relative_to(PKG).as_posix(), _imports(p)) for p in sorted(PKG.rglob("*.py"))]


def test_qtwidgets_only_in_ui_and_the_composition_root() -> None:
    offenders = [rel for rel, names in _modules()
                 if any(n == "PySide6.QtWidgets" or n.startswith("PySide6.QtWidgets.") for n in names)
                 and not rel.startswith("ui/") and rel not in {"app.py", "cli.py", "__main__.py"}]
    assert offenders == []


def test_network_clients_only_in_providers_and_sync() -> None:
    offenders = [rel for rel, names in _modules()
                 if any(n == m or n.startswith(m + ".") for n in names for m in NETWORK)
                 and not rel.startswith(("providers/", "sync/"))]
    assert offenders == []


def test_the_checks_see_real_imports() -> None:
    modules = dict(_modules())
    assert "PySide6.QtWidgets" in modules["ui/main_window.py"]
    assert "httpx" in modules["providers/gemini.py"] or "httpx" in str(modules["providers/transport.py"])
