"""Domain models and rules from the original design: pydantic only, no Qt, no I/O."""
