"""Three-way decisions for one object: base (last agreed state), local row, remote record.

Rules (docs/sync.md "Conflicts"), after rclone bisync and Syncthing:

* One side changed: the change is copied to the other side.
* Both changed to the same content (same content hash): no conflict, nothing transferred.
* An edit beats a delete, on either side.
* Both edited, contents differ: the remote version (published first) stays canonical and the local
  version becomes a visible conflict copy naming this device and the time; both devices converge.
* "Changed" is read from version vectors and content hashes, never from clocks: the remote changed
  when another device's counter moved past the base (or the remote no longer contains our last
  published version, which only a bucket without conditional writes allows).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .local import LocalObject
from .records import SyncRecord, vv_bump, vv_changed_by_others, vv_merge
from .state import BaseState


class Action(StrEnum):
    """What to do with one object."""

    NOTHING = "nothing"
    ADOPT = "adopt"          # sides already agree: record the remote as the new base
    APPLY = "apply"          # write the remote version locally
    PUSH = "push"            # upload the local version
    CONFLICT = "conflict"    # keep remote as canonical, local becomes a conflict copy
    DROP = "drop"            # stays local for now (an unfinished generation job)


@dataclass(frozen=True)
class Decision:
    """An Action plus, for PUSH, the version vector to publish and the etag condition."""

    action: Action
    version: dict[str, int] | None = None
    if_match: str | None = None
    create_only: bool = False
    reason: str = ""


def decide(*, device_id: str, base: BaseState | None, local: LocalObject | None, dirty: bool,
           remote: SyncRecord | None, remote_etag: str | None, remote_exists: bool | None = None) -> Decision:
    """Decide for one object.

    Args:
        device_id: this device.
        base: the last agreed state, or None if never synced.
        local: the local row, or None when no row exists.
        dirty: the outbox holds an entry for the object (a local edit since the base).
        remote: the current remote record; None when the bucket has none, or when it was not
            downloaded because its etag equals the base's (then ``remote_exists`` is True).
        remote_etag: its etag (from the listing or the download).
        remote_exists: the bucket holds the object (defaults to ``remote is not None``).
    """
    if remote_exists is None:
        remote_exists = remote is not None
    # Content decides whether the local row changed; the outbox flag alone (an update that
    # rewrote the same values) never makes a conflict.
    local_changed = local is not None and (base is None or local.hash != base.content_hash)
    if remote_exists and base is not None and remote_etag == base.etag:
        # The bucket still holds what we last agreed on.
        if local is not None and local_changed:
            return Decision(Action.PUSH, version=vv_bump(base.version, device_id), if_match=remote_etag,
                            reason="local edit")
        return Decision(Action.NOTHING)
    if not remote_exists:
        if local is None:
            return Decision(Action.NOTHING)
        version = vv_bump(base.version if base else {}, device_id)
        return Decision(Action.PUSH, version=version, create_only=True,
                        reason="new object" if base is None else "missing from the bucket")

    if remote is None:
        raise ValueError("the remote changed since the base: its record is needed to decide")
    if local is None:
        return Decision(Action.APPLY, reason="new from the bucket")

    remote_hash = remote.content_hash
    if base is None:
        if local.hash == remote_hash:
            return Decision(Action.ADOPT, reason="identical on both sides")
        if remote.version and set(remote.version) == {device_id}:
            # Only we ever published it: our own upload whose local commit was lost.
            return Decision(Action.PUSH, version=vv_bump(remote.version, device_id), if_match=remote_etag,
                            reason="newer local edit over our own earlier upload")
        return _both_changed(device_id, local, remote, remote_etag, base_version={})

    if local.hash == remote_hash:
        return Decision(Action.ADOPT, reason="identical on both sides")
    others = vv_changed_by_others(remote.version, base.version, device_id)
    if not others:
        # Only our own counter moved: the remote is an ancestor of the local row.
        if local.hash == base.content_hash and not dirty and remote_hash != base.content_hash:
            return Decision(Action.APPLY, reason="our earlier upload")
        return Decision(Action.PUSH, version=vv_bump(remote.version, device_id), if_match=remote_etag,
                        reason="local edit over our own earlier upload")
    lost_ours = not _dominates(remote.version, base.version)
    if not local_changed and not lost_ours:
        return Decision(Action.APPLY, reason="changed on another device")
    return _both_changed(device_id, local, remote, remote_etag, base_version=base.version)


def _dominates(a: dict[str, int], b: dict[str, int]) -> bool:
    return all(a.get(k, 0) >= n for k, n in b.items())


def _both_changed(device_id: str, local: LocalObject, remote: SyncRecord, remote_etag: str | None,
                  base_version: dict[str, int]) -> Decision:
    if local.deleted and remote.deleted:
        return Decision(Action.APPLY, reason="deleted on both sides")
    if local.deleted:
        return Decision(Action.APPLY, reason="edit on another device beats the local delete")
    if remote.deleted:
        return Decision(Action.PUSH, version=vv_bump(vv_merge(remote.version, base_version), device_id),
                        if_match=remote_etag, reason="local edit beats the delete on another device")
    return Decision(Action.CONFLICT, reason="edited on both sides")
