"""The Settings dialog: image providers and keys, the coach's chat model."""
