from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import BodyStorage, Mode, SettingsError, load_settings


def test_data_dir_flag_beats_environment(tmp_path: Path) -> None:
    env = {"HEADROOM_DATA_DIR": str(tmp_path / "env")}
    assert load_settings(env).data_dir == tmp_path / "env"
    assert load_settings(env, data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"


def test_defaults_are_valid_and_typed(tmp_path: Path) -> None:
    settings = load_settings({}, data_dir=tmp_path, default_mode="audit", body_storage="none")
    assert settings.default_mode is Mode.AUDIT
    assert settings.body_storage is BodyStorage.NONE
    assert settings.ccr_ttl_seconds > 3600
    assert settings.openai_upstream.endswith("/v1")


@pytest.mark.parametrize(
    "override",
    [{"port": 70000}, {"openai_upstream": "ftp://x"}, {"default_mode": "turbo"},
     {"ccr_ttl_seconds": 5}, {"unknown_setting": 1}, {"body_storage": "some"}],
)
def test_invalid_settings_are_rejected_clearly(tmp_path: Path, override: dict[str, object]) -> None:
    with pytest.raises(SettingsError):
        load_settings({}, data_dir=tmp_path, **override)


def test_none_overrides_are_ignored(tmp_path: Path) -> None:
    assert load_settings({}, data_dir=tmp_path, port=None).port == 8787
