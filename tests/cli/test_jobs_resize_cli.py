"""``studio jobs list/show`` (filter, paging, newest first) and ``studio resize``, in this process."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from studio_app import cli
from studio_app.domain.asset import Asset
from studio_app.domain.asset_types import AssetType
from studio_app.domain.canvas import CanvasDocument
from studio_app.domain.jobs import GenerationJob, JobStatus
from studio_app.domain.sketch import SketchElement
from studio_app.services.context import StudioStore


def run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """25 jobs, one a minute, statuses cycling completed/failed/partial; job 0 has two assets."""
    d = tmp_path / "data"
    store = StudioStore.open(d)
    start = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    statuses = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.PARTIAL]
    for i in range(25):
        status = statuses[i % 3]
        store.jobs.add(GenerationJob(id=f"job-{i:02d}", asset_type=AssetType.THUMBNAIL, status=status,
                                     prompt=f"prompt {i}", error_message="boom" if status == JobStatus.FAILED else None,
                                     created_at=start + timedelta(minutes=i)))
    for k in range(2):
        store.assets.add(Asset(id=f"asset-{k}", job_id="job-00", asset_type=AssetType.THUMBNAIL, url="blob:x",
                               content_hash="0" * 64, width=1280, height=720, file_size=1000 + k))
    store.close()
    return d


def test_jobs_list_is_newest_first_20_a_page_with_offset_and_status(data: Path, capsys) -> None:  # noqa: ANN001
    code, out, err = run(capsys, "--data-dir", str(data), "jobs", "list", "--json")
    ids = [j["id"] for j in json.loads(out)]
    assert code == 0 and ids == [f"job-{i:02d}" for i in range(24, 4, -1)]  # default 20, newest first
    _, out, _ = run(capsys, "--data-dir", str(data), "jobs", "list", "--json", "--limit", "10", "--offset", "20")
    assert [j["id"] for j in json.loads(out)] == ["job-04", "job-03", "job-02", "job-01", "job-00"]
    _, out, _ = run(capsys, "--data-dir", str(data), "jobs", "list", "--json", "--status", "failed", "--limit", "3")
    failed = json.loads(out)
    assert [j["id"] for j in failed] == ["job-22", "job-19", "job-16"] and {j["status"] for j in failed} == {"failed"}
    code, out, err = run(capsys, "--data-dir", str(data), "jobs", "list", "--status", "partial", "--offset", "5")
    assert code == 0 and out.splitlines()[0].startswith("job-08  partial") and "(6-8 of 8 partial jobs)" in err


def test_jobs_list_rejects_bad_paging_values(data: Path, capsys) -> None:  # noqa: ANN001
    for bad in (["--limit", "0"], ["--offset", "-1"], ["--status", "done"]):
        with pytest.raises(SystemExit) as info:
            cli.main(["--data-dir", str(data), "jobs", "list", *bad])
        assert info.value.code == 2


def test_jobs_show_lists_the_job_and_its_assets(data: Path, capsys) -> None:  # noqa: ANN001
    code, out, _ = run(capsys, "--data-dir", str(data), "jobs", "show", "job-00", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["job"]["id"] == "job-00" and shown["job"]["prompt"] == "prompt 0"
    assert sorted(a["id"] for a in shown["assets"]) == ["asset-0", "asset-1"]
    code, out, _ = run(capsys, "--data-dir", str(data), "jobs", "show", "job-01")
    assert code == 0 and "failed" in out and "Error:" in out and "boom" in out and "Assets:    0" in out
    code, out, err = run(capsys, "--data-dir", str(data), "jobs", "show", "nope")
    assert code == 1 and err.strip() == "studio: error: job nope not found"


def test_resize_writes_a_copy_for_the_new_target(tmp_path: Path, capsys, qapp) -> None:  # noqa: ANN001
    src = tmp_path / "thumb.json"
    doc = CanvasDocument(name="Ranked", sketch_elements=[
        SketchElement(kind="line", points=[(10, 50), (90, 50)], stroke_width=2.5),
        SketchElement(kind="text", points=[(80, 90)], text="GG WP", font_size=15)])
    src.write_text(doc.to_json())
    before = src.read_text()
    out = tmp_path / "emote.json"
    code, stdout, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "resize", str(src), "--asset-type",
                          "twitch_emote", "-o", str(out), "--json")
    assert code == 0 and src.read_text() == before
    report = json.loads(stdout)
    new = CanvasDocument.from_json(out.read_text())
    assert (report["width"], report["height"], new.width, new.height) == (112, 112, 112, 112)
    assert new.asset_type == AssetType.TWITCH_EMOTE and new.id == report["id"] != doc.id
    assert new.sketch_elements[0].stroke_width == 2.5 and json.loads(out.read_text())["schema_version"] == 3
    assert new.sketch_elements[1].points[0][0] < 80  # moved in: the text stays inside
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "resize", str(src), "--asset-type", "banner",
                       "-o", str(src))
    assert code == 1 and "new file" in err and src.read_text() == before
