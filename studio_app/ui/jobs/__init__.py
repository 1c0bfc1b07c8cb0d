"""The jobs panel: recent generation jobs, their progress and errors, and cancel."""
