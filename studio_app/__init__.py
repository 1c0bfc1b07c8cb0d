"""Streamer Studio: compose, sketch, coach and generate streamer graphics at exact platform sizes."""

__version__ = "0.1.0"
