"""Benchmarks of amana: each module's main() measures side by side and prints its verdicts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.template import Template
from django.test.utils import setup_test_environment, teardown_test_environment


@contextmanager
def throwaway_database(*, serialize: bool = True) -> Iterator[None]:
    """A test environment and a database made for one benchmark, both undone after it, so that the
    benchmarks of one 'make bench' run one after another in a single process.

    Templates render as a served page renders them: the test environment's instrumentation, which
    signals every template rendered (a cost no server pays, and larger for pages of more templates),
    is left out.
    """
    served_render = Template._render  # type: ignore[attr-defined]  # Django's, not in the stubs
    setup_test_environment()
    Template._render = served_render  # type: ignore[attr-defined]  # undone by teardown_test_environment
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=serialize)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
