"""The main window's docks and their sizes: Library and Coach, the canvas panels (Inspector,
Layers, History) and the Jobs panel; fitting a 1366 px laptop screen.

The docks can be moved, floated or closed; their arrangement is kept by window_layout.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDockWidget, QLayout, QWidget

if TYPE_CHECKING:
    from .main_window import MainWindow

_RIGHT = Qt.DockWidgetArea.RightDockWidgetArea


def add_dock(window: MainWindow, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
    """A movable, floatable, closable dock ``dock_<name>`` holding ``widget``, added at ``area``."""
    dock = QDockWidget(title, window)
    dock.setObjectName(f"dock_{name}")  # saveState/restoreState find docks by object name
    dock.setWidget(widget)
    dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                     | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                     | QDockWidget.DockWidgetFeature.DockWidgetClosable)
    window.addDockWidget(area, dock)
    return dock


def build_docks(window: MainWindow) -> None:
    """Library (left), Coach and the canvas panels (right), Jobs (bottom, hidden).

    Sets ``window.library_dock``, ``coach_dock``, ``jobs_dock`` and ``docks`` (the canvas
    panels by name: inspector, layers, history).
    """
    ws = window.workspace
    window.library_dock = add_dock(window, "library", "Library", window.left_tabs, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.coach_dock = add_dock(window, "coach", "Coach", window.coach_panel, _RIGHT)
    docks = window.docks = {}
    for name, title, widget in (("inspector", "Inspector", ws.inspector), ("layers", "Layers", ws.layers),
                                ("history", "History", ws.history)):
        docks[name] = add_dock(window, name, title, widget, _RIGHT)
    window.splitDockWidget(window.coach_dock, docks["inspector"], Qt.Orientation.Horizontal)
    window.splitDockWidget(docks["inspector"], docks["layers"], Qt.Orientation.Vertical)
    window.tabifyDockWidget(docks["layers"], docks["history"])
    docks["layers"].raise_()
    window.resizeDocks([window.library_dock, window.coach_dock, docks["inspector"]], [270, 300, 230],
                       Qt.Orientation.Horizontal)
    window.resizeDocks([docks["inspector"], docks["layers"]], [300, 420], Qt.Orientation.Vertical)


def build_jobs_dock(window: MainWindow, panel: QWidget) -> QDockWidget:
    """The Jobs panel as a bottom dock under the canvas only (hidden until asked for)."""
    dock = QDockWidget("Jobs", window)
    dock.setObjectName("dock_jobs")
    dock.setWidget(panel)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    # The side docks keep the full height: the Jobs panel opens under the canvas only.
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, _RIGHT)
    dock.hide()
    return dock


def fit_small_screens(window: MainWindow) -> None:
    """Keep the window usable on a 1366 px laptop: combos size to a short text (their popups
    still show full labels) and the side panes may shrink; only the canvas keeps its room."""
    for combo in window.findChildren(QComboBox):
        if combo is window.asset_type_combo:  # it stretches in the generate row and shows its whole label
            continue
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(min(combo.minimumContentsLength() or 12, 12))
        combo.setMinimumWidth(min(combo.sizeHint().width(), 160))  # else Qt's hint is the longest label
    panel = window.library_panel
    for combo in (panel.type_filter, panel.sort_combo):  # two share a row
        combo.setMinimumContentsLength(6)
        combo.setMinimumWidth(80)
    panel.fit_details_width()
    for layout in window.left_tabs.findChildren(QLayout):  # hints from before the combo changes
        layout.invalidate()
    # Never narrower than what the panes' contents need: an explicit minimum below that cut them.
    # (QTabWidget's own hint lags behind its pages' changed minimums: ask the page; 6 px of tab frame.)
    window.left_tabs.setMinimumWidth(max(230, panel.minimumSizeHint().width() + 6))
    window.coach_panel.setMinimumWidth(max(260, window.coach_panel.minimumSizeHint().width()))
    for dock in window.docks.values():
        dock.widget().setMinimumWidth(min(dock.widget().minimumSizeHint().width(), 220))
    for layout in window.findChildren(QLayout):  # drop size hints cached before the changes above
        layout.invalidate()


def size_docks_when_shown(window: MainWindow) -> None:
    """First show: the panes' real minimums are known now (hints cached earlier lag behind);
    with no saved layout, give the canvas room on a laptop."""
    window.left_tabs.setMinimumWidth(max(230, window.library_panel.minimumSizeHint().width() + 6))
    if not window.window_layout.restored:  # first start: room for the canvas on a laptop
        wide = window.width() >= 1700
        window.resizeDocks([window.library_dock, window.coach_dock, window.docks["inspector"]],
                           [300 if wide else 250, 340 if wide else 280, 260 if wide else 220],
                           Qt.Orientation.Horizontal)
