"""Prompting: templates, PromptEngine, sanitising, PlacementFormatter, canvas description and the
offline guided coach. Imports only studio_app.domain (no Qt, no I/O beyond reading templates)."""
