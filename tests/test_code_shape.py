"""The codebase's shape limits (CONTRIBUTING.md): no module over 600 lines, no function over 60.

Functions are measured from their first decorator to their last line; Alembic migrations are
exempt (a migration is one long, linear script by nature)."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60


def _python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (REPO / folder).rglob("*.py"))


def test_no_module_is_over_600_lines():
    long = {str(p.relative_to(REPO)): n for p in _python_files("studio_app", "tests", "tools", "packaging")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_in_the_package_is_over_60_lines():
    long = []
    for path in _python_files("studio_app"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
                length = (node.end_lineno or node.lineno) - first + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({length} lines)")
    assert long == []
