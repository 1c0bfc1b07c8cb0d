"""Kill points for crash tests: ``STUDIO_SYNC_KILL_AT=<checkpoint>:<n>`` makes the process SIGKILL
itself at the n-th pass through that checkpoint (``*`` counts every checkpoint).

This is how the tests kill a real ``studio sync`` process at an exact step (mid multipart upload,
after an upload but before the local commit, ...) instead of guessing with timers, as Syncthing's
``TestRestartReceiverDuringTransfer`` restarts processes when progress advances. Without the
variable, ``checkpoint`` is a no-op.

Checkpoints: ``listed``, ``record_downloaded``, ``blob_downloaded``, ``applied``,
``blob_part_uploaded``, ``blob_uploaded``, ``record_uploaded``, ``state_committed``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

ENV_KILL_AT = "STUDIO_SYNC_KILL_AT"


class KillSwitch:
    """Counts checkpoints and kills the process at the configured one."""

    def __init__(self, spec: str | None = None) -> None:
        spec = os.environ.get(ENV_KILL_AT) if spec is None else spec
        self.name: str | None = None
        self.at = 0
        self.count = 0
        self._lock = threading.Lock()
        if spec:
            name, _, n = spec.partition(":")
            self.name, self.at = name, int(n or "1")

    def checkpoint(self, name: str) -> None:
        """Pass a checkpoint; may not return."""
        if self.name is None:
            return
        with self._lock:
            if self.name not in {"*", name}:
                return
            self.count += 1
            if self.count < self.at:
                return
        sys.stdout.flush()
        sys.stderr.write(f"sync: killed at checkpoint {name} #{self.count}\n")
        sys.stderr.flush()
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)  # pragma: no cover - Windows
