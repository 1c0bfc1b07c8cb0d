"""Errors of the library layer, importable without loading NumPy or OpenCV (start-up time)."""

from __future__ import annotations


class BackgroundRemovalError(ValueError):
    """No subject could be told apart from the background (one-line reason in str())."""
