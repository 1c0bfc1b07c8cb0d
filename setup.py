"""Package layout that pyproject.toml cannot say on its own.

The top-level ``resources/`` and ``prompts/`` folders ship inside the wheel as the
``studio_app._resources`` and ``studio_app._prompts`` packages, so an installed ``studio``
(wheel, editable install or PyInstaller bundle) finds them with ``importlib.resources``
and never through the checkout's layout (see ``studio_app/resources.py``). Everything
else (metadata, dependencies, package data globs) lives in pyproject.toml.
"""

from pathlib import Path

from setuptools import find_packages, setup

DATA_PACKAGES = {"studio_app._resources": "resources", "studio_app._prompts": "prompts"}


def data_packages() -> list[str]:
    """The data packages and their importable-looking subfolders (setuptools wants those listed)."""
    names = []
    for package, folder in DATA_PACKAGES.items():
        names.append(package)
        for sub in sorted(p for p in Path(folder).rglob("*") if p.is_dir() and p.name != "__pycache__"):
            parts = sub.relative_to(folder).parts
            if all(part.isidentifier() for part in parts):
                names.append(".".join((package, *parts)))
    return names


setup(
    packages=find_packages(include=["studio_app", "studio_app.*"]) + data_packages(),
    package_dir=DATA_PACKAGES,
)
