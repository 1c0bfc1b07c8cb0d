"""Domain models and rules from the seeds: pydantic only, no Qt, no I/O."""
