"""File → New from starter…: pick the target whose starter design to begin from."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from studio_app.domain.asset_types import TARGET_SPECS


def starter_choices() -> list[tuple[str, str]]:
    """(label "YouTube thumbnail (1280x720)", AssetType value) for every target."""
    return [(f"{spec.label} ({spec.width}x{spec.height})", t.value) for t, spec in TARGET_SPECS.items()]


def choose_starter(parent: QWidget | None, current: str) -> str | None:
    """Ask for a target (``current`` preselected); its AssetType value, or None when cancelled."""
    choices = starter_choices()
    labels = [label for label, _ in choices]
    index = next((i for i, (_, v) in enumerate(choices) if v == current), 0)
    label, ok = QInputDialog.getItem(parent, "New from starter", "Start a new canvas from the starter design for:",
                                     labels, index, False)
    if not ok:
        return None
    return dict(choices)[label]
