"""Unit tests of the three-way decision (merge.decide), including a property test: a local edit is
never overwritten silently, whatever the version vectors and hashes say."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from studio_app.sync.local import LocalObject
from studio_app.sync.merge import Action, decide
from studio_app.sync.records import SyncRecord
from studio_app.sync.state import BaseState

ME, OTHER = "me", "other"


def local(h: str, deleted: bool = False) -> LocalObject:
    return LocalObject("canvas_document", "x", {}, deleted, h, None)


def remote(h: str, version: dict[str, int], deleted: bool = False) -> SyncRecord:
    return SyncRecord(kind="canvas_document", id="x", device_id=OTHER, updated_at=datetime.now(UTC),
                      deleted=deleted, version=version, content_hash=h, data={})


BASE = BaseState("e1", {ME: 1}, "h0", False)


def d(**kw):
    kw.setdefault("dirty", False)
    return decide(device_id=ME, **kw)


def test_new_local_object_is_created_only_if_absent() -> None:
    r = d(base=None, local=local("h1"), remote=None, remote_etag=None)
    assert r.action == Action.PUSH and r.create_only and r.version == {ME: 1}


def test_unchanged_remote_and_local_edit_pushes_with_if_match() -> None:
    r = d(base=BASE, local=local("h1"), remote=None, remote_etag="e1", remote_exists=True)
    assert (r.action, r.if_match, r.version) == (Action.PUSH, "e1", {ME: 2})


def test_outbox_entry_without_a_content_change_does_nothing() -> None:
    r = d(base=BASE, local=local("h0"), dirty=True, remote=None, remote_etag="e1", remote_exists=True)
    assert r.action == Action.NOTHING


def test_remote_edit_with_no_local_edit_applies() -> None:
    r = d(base=BASE, local=local("h0"), remote=remote("h2", {ME: 1, OTHER: 1}), remote_etag="e2")
    assert r.action == Action.APPLY


def test_both_edited_differently_is_a_conflict() -> None:
    r = d(base=BASE, local=local("h1"), dirty=True, remote=remote("h2", {ME: 1, OTHER: 1}), remote_etag="e2")
    assert r.action == Action.CONFLICT


def test_both_edited_identically_is_adopted() -> None:
    r = d(base=BASE, local=local("h2"), dirty=True, remote=remote("h2", {ME: 1, OTHER: 1}), remote_etag="e2")
    assert r.action == Action.ADOPT


def test_edit_beats_delete_both_ways() -> None:
    local_edit = d(base=BASE, local=local("h1"), remote=remote("hd", {ME: 1, OTHER: 1}, deleted=True),
                   remote_etag="e2")
    assert local_edit.action == Action.PUSH and local_edit.version == {ME: 2, OTHER: 1}
    remote_edit = d(base=BASE, local=local("hd", deleted=True), remote=remote("h2", {ME: 1, OTHER: 1}),
                    remote_etag="e2")
    assert remote_edit.action == Action.APPLY


def test_our_own_upload_whose_commit_was_lost_is_not_a_conflict() -> None:
    # Uploaded {me: 2} then killed before the local commit; then edited again.
    r = d(base=BASE, local=local("h3"), dirty=True, remote=remote("h2", {ME: 2}), remote_etag="e2")
    assert (r.action, r.if_match, r.version) == (Action.PUSH, "e2", {ME: 3})
    first = d(base=None, local=local("h3"), remote=remote("h2", {ME: 1}), remote_etag="e2")
    assert first.action == Action.PUSH and first.version == {ME: 2}


def test_overwritten_published_version_becomes_a_conflict_even_without_local_edits() -> None:
    r = d(base=BaseState("e1", {ME: 2, OTHER: 1}, "h0", False), local=local("h0"),
          remote=remote("h9", {OTHER: 2}), remote_etag="e9")
    assert r.action == Action.CONFLICT


def test_timestamps_play_no_part() -> None:
    rec = remote("h2", {ME: 1, OTHER: 1}).model_copy(update={"updated_at": datetime(1999, 1, 1, tzinfo=UTC)})
    assert d(base=BASE, local=local("h0"), remote=rec, remote_etag="e2").action == Action.APPLY


vectors = st.dictionaries(st.sampled_from([ME, OTHER, "third"]), st.integers(0, 3), max_size=3)
hashes = st.sampled_from(["h0", "h1", "h2"])


@settings(max_examples=400, deadline=None)
@given(base_v=vectors, base_h=hashes, local_h=hashes, local_del=st.booleans(), remote_v=vectors,
       remote_h=hashes, remote_del=st.booleans(), dirty=st.booleans(), has_base=st.booleans())
def test_a_local_edit_is_never_silently_overwritten(base_v, base_h, local_h, local_del, remote_v, remote_h,
                                                    remote_del, dirty, has_base) -> None:
    base = BaseState("e-base", base_v, base_h, False) if has_base else None
    r = d(base=base, local=local(local_h, local_del), dirty=dirty, remote=remote(remote_h, remote_v, remote_del),
          remote_etag="e-remote")
    local_edited = (base is None or local_h != base_h) and not local_del
    if local_edited and local_h != remote_h:
        # APPLY would replace the local content: only allowed if the local content is kept elsewhere.
        assert r.action in {Action.PUSH, Action.CONFLICT}, r
