"""Benchmarks of amana: each module's main() measures side by side and prints its verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment


@contextmanager
def throwaway_database(*, serialize: bool = True) -> Iterator[None]:
    """A test environment and a database made for one benchmark, both undone after it, so that the
    benchmarks of one 'make bench' run one after another in a single process."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=serialize)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
