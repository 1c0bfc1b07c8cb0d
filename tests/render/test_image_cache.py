"""ImageCache: LRU by bytes, load-once, safe from several threads; decode_qimage formats."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QColor, QImage

from studio_app.render.image_cache import DRAW_FORMAT, OPAQUE_FORMAT, ImageCache, decode_qimage


def img(w: int = 10, h: int = 10) -> QImage:
    image = QImage(w, h, DRAW_FORMAT)
    image.fill(QColor("red"))
    return image


def test_put_get_and_byte_budget_evicts_least_recently_used():
    one = img().sizeInBytes()
    cache = ImageCache(max_bytes=3 * one)
    for key in "abc":
        cache.put(key, img())
    assert cache.get("a") is not None  # a is now most recent
    cache.put("d", img())
    assert "b" not in cache and {"a", "c", "d"} <= {k for k in "abcd" if k in cache}
    assert cache.nbytes == 3 * one and len(cache) == 3


def test_too_big_or_null_images_are_not_kept():
    cache = ImageCache(max_bytes=100)
    cache.put("big", img(50, 50))
    cache.put("null", QImage())
    assert len(cache) == 0 and cache.nbytes == 0


def test_get_or_load_loads_once_and_does_not_cache_failures():
    cache = ImageCache()
    calls = []
    for _ in range(3):
        cache.get_or_load("k", lambda: calls.append(1) or img())
    assert len(calls) == 1
    assert cache.get_or_load("missing", lambda: None) is None and "missing" not in cache


def test_replace_discard_and_clear_keep_the_byte_count_right():
    cache = ImageCache()
    cache.put("k", img(10, 10))
    cache.put("k", img(20, 20))
    assert cache.nbytes == img(20, 20).sizeInBytes()
    cache.discard("k")
    assert cache.nbytes == 0
    cache.put("x", img())
    cache.clear()
    assert len(cache) == 0 and cache.nbytes == 0


def test_concurrent_use_keeps_the_books_balanced():
    cache = ImageCache(max_bytes=img().sizeInBytes() * 50)
    errors = []

    def worker(n: int) -> None:
        try:
            for i in range(300):
                key = f"{(n * 7 + i) % 80}"
                cache.get_or_load(key, img)
                if i % 5 == 0:
                    cache.discard(key)
        except Exception as exc:  # noqa: BLE001 - pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert cache.nbytes == sum(cache.get(k).sizeInBytes() for k in map(str, range(80)) if k in cache)
    assert cache.nbytes <= cache.max_bytes


def test_bad_budget_is_rejected():
    with pytest.raises(ValueError, match="max_bytes"):
        ImageCache(max_bytes=0)


def test_decode_picks_the_fast_format_for_alpha_and_opaque(photos):
    horse = next(p for p in photos if p.name == "horse.png")
    coffee = next(p for p in photos if p.name == "coffee.png")
    assert decode_qimage(horse.read_bytes()).format() == DRAW_FORMAT
    opaque = decode_qimage(coffee.read_bytes())
    assert opaque.format() == OPAQUE_FORMAT and (opaque.width(), opaque.height()) == (600, 400)
    assert decode_qimage(b"not an image") is None
