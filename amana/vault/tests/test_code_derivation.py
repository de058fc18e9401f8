"""The code derivation runs in threads of its own, scheduled below the threads that serve pages."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from amana.vault import services as vault


@pytest.mark.skipif(sys.platform != "linux", reason="Linux sets a niceness per thread")
def test_derivations_run_below_the_threads_that_serve_pages() -> None:
    first = vault.derive_code_secrets("0" * 20)
    derivers = [thread.native_id for thread in threading.enumerate() if thread.name.startswith("derivation")]
    assert derivers
    serving = os.getpriority(os.PRIO_PROCESS, 0)
    assert all(os.getpriority(os.PRIO_PROCESS, native_id) > serving for native_id in derivers if native_id)
    # The same code still gives the same values, whichever thread derived them.
    assert vault.derive_code_secrets("0" * 20) == first
    assert os.getpriority(os.PRIO_PROCESS, 0) == serving
