from __future__ import annotations

from pathlib import Path

import pytest


def test_an_unknown_key_binding_id_is_refused_before_anything_starts(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    cfg = tmp_path / "lp.toml"
    cfg.write_text('[console.keymap]\n"campaign.birthday" = "B"\n"campaign.birthdya" = "Y"\n')
    monkeypatch.setenv("LINKPILOT_CONFIG", str(cfg))
    result = cli("console")
    assert result.code == 2
    assert result.err.startswith(
        "linkpilot: error: console.keymap: unknown binding id 'campaign.birthdya' (known: "
    )
    assert not home.exists()


def test_a_binding_without_a_key_is_refused(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    cfg = tmp_path / "lp.toml"
    cfg.write_text('[console.keymap]\n"campaign.birthday" = " "\n')
    monkeypatch.setenv("LINKPILOT_CONFIG", str(cfg))
    result = cli("console")
    assert (result.code, result.err) == (
        2,
        "linkpilot: error: console.keymap: binding 'campaign.birthday' has no key\n",
    )
    assert not home.exists()


def test_the_console_needs_a_terminal(cli) -> None:
    result = cli("console")
    assert result.code == 1
    assert "the console needs a terminal" in result.err
