"""Render layer: QPainter canvas snapshot, image cache, fitting to target sizes, export.

Uses PySide6.QtGui/QtCore only (never QtWidgets), so it runs headless with
``QT_QPA_PLATFORM=offscreen``. Imports only ``studio_app.domain`` of ours.
"""
