"""Orchestration: GenerationService, media library, coach and sync services (Qt signals, workers)."""
