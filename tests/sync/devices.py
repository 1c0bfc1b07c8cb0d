"""Devices for sync tests and benchmarks: a data dir standing for one machine, with helpers to
edit its library, sync it in process or through a real ``studio sync`` process, and snapshot it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.media import MediaAsset
from studio_app.services.context import StudioStore
from studio_app.sync.credentials import Credentials
from studio_app.sync.engine import SyncEngine, SyncReport
from studio_app.sync.kinds import KINDS
from studio_app.sync.local import LocalRecords
from studio_app.sync.records import canonical_json
from studio_app.sync.settings import SyncSettings

from .moto_server import ACCESS_KEY, SECRET_KEY, MotoServer

REPO_ROOT = Path(__file__).resolve().parents[2]
PREFIX = "studio"


class Device:
    """One data dir standing for one machine, with helpers to edit its library and sync it."""

    def __init__(self, root: Path, name: str, endpoint: str, bucket: str, **settings: Any) -> None:
        self.name = name
        self.root = root / name
        self.endpoint = endpoint
        self.bucket = bucket
        self.settings_overrides = settings
        self.store = StudioStore.open(self.root)

    @property
    def settings(self) -> SyncSettings:
        return SyncSettings(endpoint_url=self.endpoint, bucket=self.bucket, prefix=PREFIX,
                            **self.settings_overrides)

    def engine(self, **kw: Any) -> SyncEngine:
        return SyncEngine(db=self.store.db, blobs=self.store.blobs, data_dir=self.root, settings=self.settings,
                          credentials=Credentials(ACCESS_KEY, SECRET_KEY), **kw)

    def sync(self, confirm: bool = False, **kw: Any) -> SyncReport:
        return self.engine(**kw).run(confirm=confirm)

    # --- content ------------------------------------------------------------------------------
    def add_media(self, name: str, data: bytes | None = None, **fields: Any) -> MediaAsset:
        data = os.urandom(2048) if data is None else data
        digest = self.store.blobs.put(data)
        now = datetime.now(UTC)
        asset = MediaAsset(id=str(uuid.uuid4()), asset_type=fields.pop("asset_type", "logo"), display_name=name,
                           url=f"blob:{digest}", storage_path=f"blob:{digest}", content_hash=digest,
                           file_size=len(data), mime_type="image/png", created_at=now, updated_at=now, **fields)
        return self.store.media.add(asset)

    def replace_media_bytes(self, asset_id: str, data: bytes) -> None:
        digest = self.store.blobs.put(data)
        self.store.media.update(asset_id, url=f"blob:{digest}", storage_path=f"blob:{digest}",
                                content_hash=digest, file_size=len(data))

    def new_canvas(self, name: str) -> CanvasDocument:
        doc = CanvasDocument(name=name)
        self.store.canvases.save(doc)
        return doc

    def rename_canvas(self, doc_id: str, name: str) -> None:
        doc = self.store.canvases.get(doc_id)
        self.store.canvases.save(doc.model_copy(update={"name": name}))

    def canvas_names(self) -> list[str]:
        return sorted(d.name for d in self.store.canvases.list())

    def snapshot(self) -> dict[str, Any]:
        """Every synced row, tombstones included (canonical JSON of its synced columns), and the
        bytes of every blob the live rows reference: two devices in sync have equal snapshots."""
        local = LocalRecords(self.store.db)
        rows: dict[str, dict[str, bytes]] = {}
        blobs: dict[str, bytes] = {}
        for kind in KINDS:
            objs = local.read_all(kind.name)
            rows[kind.name] = {oid: canonical_json(o.data) for oid, o in objs.items()}
            for o in objs.values():
                for sha in () if o.deleted else o.blobs:
                    path = self.store.blobs.path_for(sha)
                    blobs[sha] = path.read_bytes() if path.exists() else b"<missing>"
        for sha, data in blobs.items():
            assert data == b"<missing>" or hashlib.sha256(data).hexdigest() == sha
        return {"rows": rows, "blobs": blobs}

    def stray_files(self) -> list[Path]:
        """Temp or partial files in the blob store or the sync download folder, and blob files
        whose bytes do not match their name."""
        out = [p for p in self.store.blobs.root.rglob("*") if p.is_file() and (
            p.name.startswith(".") or hashlib.sha256(p.read_bytes()).hexdigest() != p.name)]
        incoming = self.root / "sync-incoming"
        return out + (sorted(incoming.iterdir()) if incoming.is_dir() else [])

    def bad_blobs(self) -> list[Path]:
        """Blob files whose bytes do not hash to their name (must never exist)."""
        return [p for p in self.store.blobs.root.rglob("*") if p.is_file() and not p.name.startswith(".")
                and hashlib.sha256(p.read_bytes()).hexdigest() != p.name]

    def cli(self, *args: str, kill_at: str | None = None, extra_env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        """Run ``python -m studio_app --data-dir ROOT sync ...`` as a real subprocess."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIO_SYNC", "AWS_"))}
        env.update(STUDIO_SYNC_ENDPOINT=self.endpoint, STUDIO_SYNC_BUCKET=self.bucket, STUDIO_SYNC_PREFIX=PREFIX,
                   STUDIO_SYNC_REGION="us-east-1", AWS_ACCESS_KEY_ID=ACCESS_KEY, AWS_SECRET_ACCESS_KEY=SECRET_KEY,
                   PYTHONPATH=str(REPO_ROOT))
        if kill_at:
            env["STUDIO_SYNC_KILL_AT"] = kill_at
        env.update(extra_env or {})
        return subprocess.run([sys.executable, "-m", "studio_app", "--data-dir", str(self.root), "sync", *args],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout)

    def close(self) -> None:
        self.store.close()



def bucket_keys(moto_server: MotoServer, bucket: str) -> list[str]:
    """Every key in ``bucket``."""
    c = moto_server.client()
    keys: list[str] = []
    for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def open_uploads(moto_server: MotoServer, bucket: str) -> list[dict]:
    """Unfinished multipart uploads in ``bucket``."""
    return moto_server.client().list_multipart_uploads(Bucket=bucket).get("Uploads", [])
