from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from amana.env import env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("raw", ["maybe", "2", "tru"])
def test_env_bool_refuses_what_it_cannot_read(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("AMANA_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("AMANA_FLAG", False)


def test_env_helpers_read_good_values(monkeypatch) -> None:
    monkeypatch.setenv("AMANA_FLAG", "yes")
    monkeypatch.setenv("AMANA_NUMBER", "7")
    monkeypatch.setenv("AMANA_LIST", "a.example,b.example")
    assert env_bool("AMANA_FLAG", False) is True
    assert env_int("AMANA_NUMBER", 1, minimum=1) == 7
    assert env_list("AMANA_LIST", []) == ["a.example", "b.example"]


@pytest.mark.parametrize(("raw", "minimum"), [("seven", None), ("0", 1)])
def test_env_int_refuses_bad_numbers(monkeypatch, raw: str, minimum: int | None) -> None:
    monkeypatch.setenv("AMANA_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured):
        env_int("AMANA_NUMBER", 5, minimum=minimum)


def test_env_list_refuses_empty_items(monkeypatch) -> None:
    monkeypatch.setenv("AMANA_LIST", "a.example,,b.example")
    with pytest.raises(ImproperlyConfigured):
        env_list("AMANA_LIST", [])


def test_secrets_come_from_a_file_and_short_or_missing_ones_are_refused(monkeypatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("s" * 60 + "\n")
    monkeypatch.delenv("AMANA_TEST_SECRET", raising=False)
    monkeypatch.setenv("AMANA_TEST_SECRET_FILE", str(secret_file))
    assert env_secret("AMANA_TEST_SECRET", min_length=50, default_file=tmp_path / "none") == "s" * 60
    secret_file.write_text("short")
    with pytest.raises(ImproperlyConfigured):
        env_secret("AMANA_TEST_SECRET", min_length=50, default_file=tmp_path / "none")
    monkeypatch.delenv("AMANA_TEST_SECRET_FILE")
    with pytest.raises(ImproperlyConfigured):
        env_secret("AMANA_TEST_SECRET", min_length=50, default_file=tmp_path / "none")


def test_deploy_check_is_clean_under_production_settings(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEBUG", "AMANA_", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "amana.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "AMANA_AUDIT_KEY": secrets.token_urlsafe(32),
            "AMANA_BLIND_INDEX_KEY": secrets.token_urlsafe(32),
            "AMANA_CHECKPOINT_SIGNING_KEY": secrets.token_hex(32),
            "AMANA_RELEASE_KEY": secrets.token_urlsafe(32),
            "ALLOWED_HOSTS": "amana.example.org",
            "AMANA_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(  # our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AMANA_", "SECRET_KEY"))}
    env.update({"DJANGO_SETTINGS_MODULE": "amana.settings", "AMANA_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
