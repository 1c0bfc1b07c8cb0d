"""Peak resident memory of the current process, for benchmarks run in fresh subprocesses.

``getrusage(RUSAGE_SELF).ru_maxrss`` is wrong there: Linux carries the parent's high-water
mark across fork + exec into the child's maxrss, so a child started by a pytest process that
already grew to 1 GB reports 1 GB. ``VmHWM`` in /proc/self/status belongs to the process's own
address space, which exec replaces, so it measures the child alone.
"""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """Peak RSS of this process in MiB (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
