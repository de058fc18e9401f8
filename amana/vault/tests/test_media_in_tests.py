"""The test suite never writes into the real media folder: each test seals files into its own."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from amana.settings import VAR_DIR
from amana.vault import services as vault

pytestmark = pytest.mark.django_db


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def test_a_sealed_file_goes_to_the_tests_own_folder_not_var_media(personas: Any, tmp_path: Path) -> None:
    real = VAR_DIR / "media"
    before = _files(real)
    locker = vault.create_locker(compartment="evidence", holders=[personas.ngo])
    stored_name = vault.seal_file(locker, io.BytesIO(b"a screenshot (example)"))
    media = Path(django_settings.MEDIA_ROOT)
    assert media.is_relative_to(tmp_path) and not media.is_relative_to(VAR_DIR)
    assert [path.name for path in _files(media)] == [stored_name]
    assert _files(real) == before
