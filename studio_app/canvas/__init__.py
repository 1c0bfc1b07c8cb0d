"""The canvas document's logic without Qt: geometry, snapping, sketch style and the CanvasEditor.

Sits above ``studio_app.domain`` and below ``studio_app.services``; ``studio_app.ui.canvas``
draws it (scene, items, tools) and wraps its edits in undo commands.
"""
