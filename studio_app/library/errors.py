"""Errors of the library layer, importable without loading NumPy or OpenCV (start-up time)."""

from __future__ import annotations


class BackgroundRemovalError(ValueError):
    """No subject could be told apart from the background (one-line reason in str())."""


class ModelUnavailableError(RuntimeError):
    """A segmentation model cannot be used: missing file, wrong checksum, or no onnxruntime.
    ``str()`` is a one-line reason."""
