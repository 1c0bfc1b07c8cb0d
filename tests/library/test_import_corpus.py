"""Bad input: every file of a broken-image corpus is imported correctly or refused with
a one-line reason, through the real SQLite file and blob store; nothing partial is written."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio_app.services.context import StudioStore
from studio_app.services.media_library import MediaLibraryService
from studio_app.store.blobs import BlobStore

from .conftest import blob_files
from .corpus import build_corpus

REJECTED = {
    "truncated_png": "truncated or corrupt",
    "truncated_jpeg": "truncated or corrupt",
    "zero_bytes": "empty file",
    "bomb": "decompression bomb",
    "text_named_png": "not a PNG, JPEG, WebP or GIF",
    "eps_named_png": "not a PNG, JPEG, WebP or GIF",
    "huge_12000": "12000x12000",
}
IMPORTED = {"jpeg_named_png", "cmyk", "grey16", "animated", "exif_rotated"}


@pytest.fixture
def corpus(photos: list[Path], tmp_path: Path) -> dict[str, Path]:
    return build_corpus({p.name: p for p in photos}, tmp_path / "corpus")


def test_each_bad_file_is_refused_alone_and_the_batch_goes_on(
        library: MediaLibraryService, store: StudioStore, corpus: dict[str, Path]) -> None:
    assert set(corpus) == set(REJECTED) | IMPORTED
    seen = []
    outcomes = library.import_files(sorted(corpus.values()), remove_background=False,
                                    progress=lambda done, total: seen.append((done, total)))
    by_case = {Path(o.path).stem: o for o in outcomes}
    for case, words in REJECTED.items():
        o = by_case[case]
        assert o.asset is None, case
        assert o.error and words in o.error and "\n" not in o.error, (case, o.error)
    for case in IMPORTED:
        assert by_case[case].error is None, (case, by_case[case].error)
    assert len(store.media.list()) == len(IMPORTED)
    assert sorted(seen)[-1] == (len(corpus), len(corpus))
    # Nothing of the refused files reached the blob folder: only the imported ones' blobs.
    referenced = set()
    for a in store.media.list():
        referenced |= {store.blobs.resolve(a.url), store.blobs.resolve(a.thumbnail_url)}
    assert blob_files(store) == referenced


def test_imported_corpus_files_are_decoded_right(library: MediaLibraryService, corpus: dict[str, Path]) -> None:
    def imp(case: str):
        o = library.import_file(corpus[case], remove_background=False)
        assert o.asset is not None, o.error
        return o.asset, Image.open(io.BytesIO(library.image_bytes(o.asset)))

    asset, img = imp("exif_rotated")  # chelsea is 451x300; orientation 6 turns it upright to 300x451
    assert (asset.width, asset.height) == (300, 451) == img.size
    assert asset.metadata["exif_orientation"] == 6 and asset.mime_type == "image/png"

    asset, img = imp("animated")
    assert asset.metadata["frames"] == 3
    assert img.convert("RGB").getpixel((5, 5)) == (255, 0, 0)  # the first frame

    asset, img = imp("grey16")  # scaled from 16 to 8 bits, not clipped to white
    with Image.open(corpus["grey16"].parent.parent / "corpus" / "grey16.png") as src:
        want = np.asarray(src).astype(np.float64).mean() / 257
    assert abs(np.asarray(img.convert("L")).mean() - want) < 2

    asset, img = imp("cmyk")
    assert img.mode in ("RGB", "RGBA") and asset.metadata["source_mode"] == "CMYK"
    assert asset.mime_type == "image/png"

    asset, _ = imp("jpeg_named_png")  # the content decides, not the extension
    assert asset.mime_type == "image/jpeg" and (asset.width, asset.height) == (1000, 872)
    assert asset.file_size == corpus["jpeg_named_png"].stat().st_size


def test_thumbnail_is_256_px_and_metadata_recorded(library: MediaLibraryService, photos: list[Path]) -> None:
    hubble = next(p for p in photos if p.name == "hubble_deep_field.jpg")
    asset = library.import_file(hubble, remove_background=False).asset
    assert asset is not None
    assert (asset.width, asset.height, asset.mime_type, asset.file_size) == (
        1000, 872, "image/jpeg", hubble.stat().st_size)
    thumb = Image.open(io.BytesIO(library.thumbnail_bytes(asset)))
    assert max(thumb.size) == 256 and thumb.size == (256, 223)


def test_failed_insert_leaves_no_row_and_no_new_blob(library: MediaLibraryService, store: StudioStore,
                                                     photos: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(asset):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.media, "add", boom)
    outcome = library.import_file(photos[0], remove_background=False)
    assert outcome.asset is None and "No space left on device" in (outcome.error or "")
    assert blob_files(store) == set()
    monkeypatch.undo()
    assert store.media.count() == 0


CHILD = textwrap.dedent("""
    import sys, itertools
    from pathlib import Path
    from studio_app.library.settings import LibrarySettings
    from studio_app.services.context import StudioStore
    from studio_app.services.media_library import MediaLibraryService
    store = StudioStore.open(sys.argv[1])
    svc = MediaLibraryService(store, LibrarySettings(total_asset_limit=100000))
    photos = sorted(Path(sys.argv[2]).glob("*.png"))
    print("ready", flush=True)
    for i in itertools.count():
        data = photos[i % len(photos)].read_bytes() + i.to_bytes(4, "big")  # distinct bytes each time
        svc.import_bytes(data, f"p{i}.png", remove_background=False, on_duplicate="import")
""")


def test_kill_mid_import_leaves_no_orphan_row(data_dir: Path, photos: list[Path]) -> None:
    """SIGKILL a process that imports in a loop; every row left points at blobs on disk."""
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), str(photos[0].parent)],
                            cwd=root, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    store = StudioStore.open(data_dir)
    try:
        with store.db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assets = store.media.list()
        assert assets, "the child imported nothing before it was killed"
        for a in assets:
            for ref in (a.url, a.thumbnail_url):
                assert store.blobs.resolve(ref).exists()
                assert BlobStore.digest_of(ref) in store.blobs.resolve(ref).name
    finally:
        store.close()
