"""The media library pane: grid of thumbnails, details and import actions."""
