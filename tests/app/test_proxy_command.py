"""`headroom proxy`: flags reach the settings; bad settings fail fast with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import build_parser, main


def test_flags_and_defaults() -> None:
    args = build_parser().parse_args(["proxy", "--port", "9999", "--anthropic-upstream",
                                      "http://127.0.0.1:1"])
    assert (args.port, args.mode, args.host) == (9999, "optimize", None)
    assert args.anthropic_upstream == "http://127.0.0.1:1"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["proxy", "--mode", "off"])


def test_bad_upstream_is_a_clear_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["proxy", "--data-dir", str(data_dir), "--openai-upstream", "ftp://nowhere"])
    assert code == 2
    assert "openai_upstream must be an http(s) URL" in capsys.readouterr().err
