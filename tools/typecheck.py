"""The type-check ratchet: run mypy once over studio_app and compare with the allow-list.

``make typecheck`` (and ``make test``) run this script. mypy reads its settings from
pyproject.toml ([tool.mypy]: the pydantic plugin, the strict packages). The errors are grouped
by the dotted module of the file they are reported in, and compared with
``typecheck-ratchet.txt`` (one dotted module a line; ``#`` starts a comment):

- a module with errors that is NOT on the list fails the check (new code is type-clean);
- a module ON the list that is now clean (or no longer exists) fails the check too, so the
  list only ever shrinks: remove the entry in the change that made the module clean.

Usage::

    .venv/bin/python tools/typecheck.py            # check; exit 0 when the list matches
    .venv/bin/python tools/typecheck.py --prune    # also drop the entries that are now clean
    .venv/bin/python tools/typecheck.py --show M   # print the errors of module M (a prefix)

Exit status: 0 when the check passes, 1 when it fails, 2 when mypy itself could not run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATCHET = ROOT / "typecheck-ratchet.txt"
PACKAGE = "studio_app"
# "path/to/file.py:LINE: error: message  [code]" (mypy's default, non-pretty format).
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
_ERROR = re.compile(r"^(?P<path>[^:\s][^:]*\.pyi?):(?P<line>\d+): error: (?P<message>.*)$")


def module_of(path: str) -> str:
    """The dotted module name of a source path relative to the repository root.

    ``studio_app/ui/canvas/scene.py`` -> ``studio_app.ui.canvas.scene``;
    ``studio_app/prompting/__init__.py`` -> ``studio_app.prompting``.
    """
    parts = list(Path(path).with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_ratchet(path: Path = RATCHET) -> list[str]:
    """The modules the list allows to fail, in file order (comments and blank lines dropped)."""
    entries = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            entries.append(line)
    return entries


def run_mypy() -> tuple[dict[str, list[str]], list[str], int]:
    """Run mypy over the package; return (errors by module, other output lines, exit status)."""
    cmd = [
        sys.executable, "-m", "mypy",
        "--no-pretty", "--no-color-output", "--show-error-codes", "--no-error-summary",
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    by_module: dict[str, list[str]] = defaultdict(list)
    other: list[str] = []
    for line in proc.stdout.splitlines():
        m = _ERROR.match(line)
        if m:
            by_module[module_of(m.group("path"))].append(line)
        elif line.strip() and ": note: " not in line:
            other.append(line)
    other.extend(line for line in proc.stderr.splitlines() if line.strip())
    return dict(by_module), other, proc.returncode


def prune(entries: list[str], clean: set[str], path: Path = RATCHET) -> None:
    """Rewrite the list file without the entries in ``clean``, keeping comments and order."""
    kept = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        name = raw.split("#", 1)[0].strip()
        if name and name in clean:
            continue
        kept.append(raw)
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prune", action="store_true", help="drop the list entries that are now clean")
    parser.add_argument("--show", metavar="MODULE", help="print the errors of the modules under MODULE")
    args = parser.parse_args(argv)

    by_module, other, status = run_mypy()
    if status not in (0, 1) or (status == 1 and not by_module):
        print("typecheck: mypy did not run cleanly:", *other, sep="\n  ", file=sys.stderr)
        return 2
    entries = read_ratchet()
    listed = set(entries)
    failing = set(by_module)
    total = sum(len(v) for v in by_module.values())

    if args.show:
        for name in sorted(failing):
            if name == args.show or name.startswith(args.show + "."):
                print(*by_module[name], sep="\n")

    problems = 0
    for name in entries:
        if not _MODULE.fullmatch(name):
            print(f"typecheck: {name!r} in {RATCHET.name} is not a dotted module name (a merge left-over?)")
            problems += 1
    duplicates = sorted({e for e in entries if entries.count(e) > 1})
    for name in duplicates:
        print(f"typecheck: {name} is listed twice in {RATCHET.name}")
        problems += 1
    for name in sorted(failing - listed):
        print(f"typecheck: {name} has {len(by_module[name])} error(s) and is not on {RATCHET.name}:")
        print(*("  " + line for line in by_module[name]), sep="\n")
        problems += 1
    now_clean = listed - failing
    if args.prune and now_clean:
        prune(entries, now_clean)
        print(f"typecheck: removed {len(now_clean)} clean module(s) from {RATCHET.name}: "
              + ", ".join(sorted(now_clean)))
    else:
        for name in sorted(now_clean):
            print(f"typecheck: {name} is clean now (or gone): remove it from {RATCHET.name} "
                  "(the list only shrinks; tools/typecheck.py --prune does it)")
            problems += 1

    remaining = len(listed - now_clean) if args.prune else len(listed)
    print(f"typecheck: {total} error(s) in {len(failing)} module(s); "
          f"{remaining} module(s) on {RATCHET.name}; {'FAILED' if problems else 'ok'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
