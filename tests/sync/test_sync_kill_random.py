"""SIGKILL a real ``studio sync`` process at 20 random points on two devices, then resync and
compare both devices' libraries byte for byte (SQLite's "kill a child at random points, restart,
check invariants" and Syncthing's restart-during-transfer tests, applied to sync)."""

from __future__ import annotations

import json
import os
import random

from studio_app.sync.conflicts import Conflicts
from studio_app.sync.settings import SyncSettings

from .devices import bucket_keys, open_uploads

KILLS = 20
MAX_ATTEMPTS = 30
MiB = 1024 * 1024
# Every run has at least a listing, one new blob, one record upload and one commit (each
# iteration adds a media asset first), so these always fire; "*:n" also lands on downloads,
# applies and multipart parts when those are pending.
POINTS = ["blob_uploaded:1", "record_uploaded:1", "state_committed:1"]


def test_twenty_random_kills_then_both_devices_match_byte_for_byte(make_device, moto_server, bucket) -> None:
    seed = int(os.environ.get("SYNC_KILL_SEED", "7"))
    rng = random.Random(seed)
    devices = {name: make_device(name) for name in ("A", "B")}
    for dev in devices.values():
        dev.store.settings.save_section("sync", SyncSettings(
            bucket=bucket, endpoint_url=moto_server.endpoint,
            multipart_threshold_bytes=5 * MiB, part_size_bytes=5 * MiB))
    expected_media: dict[str, tuple[str, str] | None] = {}   # id -> (name, sha) or None if deleted
    expected_canvas: dict[str, str] = {}
    owned: dict[str, list[str]] = {"A": [], "B": []}
    canvases: dict[str, list[str]] = {"A": [], "B": []}

    big = devices["A"].add_media("A-big", os.urandom(6 * MiB))  # goes up in 2 parts
    expected_media[big.id] = ("A-big", big.content_hash)
    for i in range(25):  # enough new objects for A's first push to use a pack
        seed_item = devices["A"].add_media(f"A-seed{i}", os.urandom(2000))
        expected_media[seed_item.id] = (seed_item.display_name, seed_item.content_hash)

    kills, attempts, points = 0, 0, []
    while kills < KILLS and attempts < MAX_ATTEMPTS:
        attempts += 1
        name = rng.choice("AB")
        dev = devices[name]
        # An offline edit on this device (only its own objects: no conflicts to account for).
        m = dev.add_media(f"{name}-m{attempts}", os.urandom(rng.randint(5_000, 30_000)))
        expected_media[m.id] = (m.display_name, m.content_hash)
        owned[name].append(m.id)
        if rng.random() < 0.5:
            if not canvases[name] or rng.random() < 0.3:
                doc = dev.new_canvas(f"{name}-canvas-{attempts}")
                canvases[name].append(doc.id)
                expected_canvas[doc.id] = doc.name
            else:
                doc_id = rng.choice(canvases[name])
                new_name = f"{name}-canvas-renamed-{attempts}"
                dev.rename_canvas(doc_id, new_name)
                expected_canvas[doc_id] = new_name
        if len(owned[name]) > 2 and rng.random() < 0.25:
            victim = owned[name].pop(rng.randrange(len(owned[name]) - 1))
            dev.store.media.soft_delete([victim])
            expected_media[victim] = None
        point = rng.choice(POINTS) if rng.random() < 0.3 else f"*:{rng.randint(1, 4)}"
        result = dev.cli(kill_at=point)
        if result.returncode == -9:
            kills += 1
            points.append((name, result.stderr.strip().rsplit("checkpoint ", 1)[-1].split(" #")[0]))
        else:
            assert result.returncode == 0, result.stderr
        for d in devices.values():
            assert d.bad_blobs() == []
    assert kills == KILLS, f"only {kills} kills in {attempts} runs (seed {seed})"
    print("kill points:", points)
    assert len({p for _, p in points}) >= 5, points  # the kills landed at varied steps

    a, b = devices["A"], devices["B"]
    a.sync()
    b.sync()
    a.sync()
    sa, sb = a.snapshot(), b.snapshot()
    if sa != sb:
        for kind in sa["rows"]:
            ra, rb = sa["rows"][kind], sb["rows"][kind]
            for oid in sorted(set(ra) | set(rb)):
                if ra.get(oid) != rb.get(oid):
                    print("DIFF", kind, oid, "\nA:", ra.get(oid), "\nB:", rb.get(oid))
        print("blobs only A", set(sa["blobs"]) - set(sb["blobs"]), "only B", set(sb["blobs"]) - set(sa["blobs"]))
        print(a.sync().to_dict(), b.sync().to_dict())
    assert sa == sb, f"seed {seed}, kill points {points}"
    for dev in (a, b):
        live = {m.id: (m.display_name, m.content_hash) for m in dev.store.media.list()}
        assert live == {k: v for k, v in expected_media.items() if v is not None}
        assert {d.id: d.name for d in dev.store.canvases.list()} == expected_canvas
        assert Conflicts(dev.store.db).open_conflicts() == []
        assert dev.stray_files() == []
        assert dev.sync().changed_anything is False
    assert open_uploads(moto_server, bucket) == []
    # Nothing duplicated: every object is in the bucket once (under its own key or in a pack).
    client, published = moto_server.client(), []
    for key in bucket_keys(moto_server, bucket):
        if "/objects/_packs/" in key:
            pack = json.loads(client.get_object(Bucket=bucket, Key=key)["Body"].read())
            published += [(r["kind"], r["id"]) for r in pack["records"]]
        elif "/objects/" in key:
            published.append(tuple(key.rsplit("/", 2)[-2:]))
    ids = {oid.removesuffix(".json") for _, oid in published}
    assert ids == set(expected_media) | set(expected_canvas)
    for dev in (a, b):
        rows = dev.snapshot()["rows"]
        assert len(rows["media_asset"]) == len(expected_media) and len(rows["canvas_document"]) == len(expected_canvas)
