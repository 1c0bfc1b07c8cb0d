"""Shipped resources (icons, desktop entry, AppStream metadata, themes, bundled models).

Installed as the package ``studio_app._resources``; code finds these files through
``studio_app.resources.resource_path()``, never by their place in the checkout.
"""
