"""Property: resizing to any target keeps every text inside the canvas and leaves other elements as they were."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.resize import estimate_text_box, resize_document
from studio_app.domain.sketch import SketchElement

coords = st.floats(0, 100, allow_nan=False)
texts = st.builds(lambda x, y, words, size: SketchElement(kind="text", points=[(x, y)], text=words, font_size=size),
                  coords, coords, st.text(st.characters(codec="ascii", categories=["L", "N", "Zs"]), min_size=1,
                                          max_size=40).filter(str.strip), st.floats(0.5, 100, allow_nan=False))
lines = st.builds(lambda a, b, c, d, w: SketchElement(kind="line", points=[(a, b), (c, d)], stroke_width=w),
                  coords, coords, coords, coords, st.floats(0.1, 100, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(source=st.sampled_from(list(AssetType)), target=st.sampled_from(list(AssetType)),
       elements=st.lists(st.one_of(texts, lines), min_size=1, max_size=6))
def test_text_stays_inside_and_strokes_keep_their_share(source, target, elements) -> None:  # noqa: ANN001
    doc = CanvasDocument(asset_type=source, sketch_elements=elements)
    new = resize_document(doc, target)
    assert len(new.sketch_elements) == len(elements)
    for before, after in zip(elements, new.sketch_elements, strict=True):
        if after.kind != "text":
            assert after == before
            continue
        assert after.text == before.text and after.font_size <= before.font_size
        left, top, right, bottom = estimate_text_box(after, new.width, new.height)
        x, y = after.points[0][0] * new.width / 100, after.points[0][1] * new.height / 100
        assert x + left >= -1e-6 and y + top >= -1e-6
        assert x + right <= new.width + 1e-6 and y + bottom <= new.height + 1e-6
