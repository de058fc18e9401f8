"""The demo's public hotlines, which now live in the referral directory (amana/directory)."""

from __future__ import annotations

from amana.directory.demo import DEMO_HOTLINES, create_demo_directory

__all__ = ["DEMO_HOTLINES", "create_demo_hotlines"]


def create_demo_hotlines() -> int:
    """Add the demo directory entries (which include the hotlines) once; returns how many were added."""
    return create_demo_directory()
