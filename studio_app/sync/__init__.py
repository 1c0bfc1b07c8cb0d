"""Sync to an S3-compatible bucket: remote, engine and its persisted state (see docs/sync.md).

May import domain and store (and boto3/botocore); nothing of Qt. The GUI talks to it
through ``services.sync_service``; the ``studio sync`` command through ``cli.sync``.
"""
