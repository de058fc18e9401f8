from __future__ import annotations

from typing import Any

import pytest

from amana.vault import services as vault
from conftest import PASSWORD


@pytest.fixture
def keyrings(personas: Any) -> dict[str, vault.Keyring]:
    """Each persona's keyring, opened with their password as sign-in does."""
    return {name: vault.user_keyring(user, PASSWORD) for name, user in personas.all().items()}


@pytest.fixture
def case_lockers(personas: Any) -> dict[str, Any]:
    """The four compartments of one case, held by the NGO that received it."""
    return {
        compartment: vault.create_locker(compartment=compartment, holders=[personas.ngo])
        for compartment in ("identity", "incident", "evidence", "care")
    }
