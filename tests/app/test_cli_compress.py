"""`headroom compress` and `headroom retrieve` end to end with a temporary --data-dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


def write_users(tmp_path: Path, n: int = 300) -> Path:
    path = tmp_path / "users.json"
    rows = [{"id": i, "login": f"user{i}", "type": "User", "plan": "free" if i % 9 else "pro",
             "bio": f"writes code in language {i % 7} since {2000 + i % 20}"} for i in range(n)]
    path.write_text(json.dumps(rows))
    return path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def test_compress_json_report(tmp_path: Path, data_dir: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write_users(tmp_path)
    report = run_json(capsys, "compress", str(path), "--json", "--data-dir", str(data_dir))
    assert report["content_type"] == "json" and report["action"] == "compressed"
    before, after = report["tokens_before"], report["tokens_after"]
    assert isinstance(before, int) and isinstance(after, int) and after < before
    assert isinstance(report["compressed"], str) and report["compressed"]


def test_compress_prints_text_and_small_files_unchanged(tmp_path: Path, data_dir: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    small = tmp_path / "small.txt"
    small.write_text("just a few words\n")
    assert main(["compress", str(small), "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out == "just a few words\n"
    report = run_json(capsys, "compress", str(small), "--json", "--data-dir", str(data_dir))
    assert report["action"] == "skipped" and report["ccr_key"] is None


def test_lossy_compress_then_retrieve(tmp_path: Path, data_dir: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = write_users(tmp_path, 2000)
    report = run_json(capsys, "compress", str(path), "--json", "--query", "user1777",
                      "--data-dir", str(data_dir))
    assert report["lossy"] is True and isinstance(report["ccr_key"], str)
    assert str(report["ccr_key"]) in str(report["compressed"])
    key = str(report["ccr_key"])
    assert main(["retrieve", key, "--limit", "3", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.startswith(f"[items 1–3 of 2,000 from key {key}")
    assert main(["retrieve", key, "--query", "user1777", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[1 item matching 'user1777'") and '"login":"user1777"' in out


def test_retrieve_miss_exits_1(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retrieve", "b2:" + "0" * 24, "--data-dir", str(data_dir)]) == 1
    assert "expired or unknown" in capsys.readouterr().out


def test_missing_file_is_a_clear_error_not_a_traceback(
        tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["compress", str(missing), "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "No such file" in err and str(missing) in err and "Traceback" not in err
