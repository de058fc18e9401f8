"""gunicorn for amana: threaded workers sized for Argon2's memory.

Each sign-in and each receipt code entered derives a key with Argon2id at 256 MiB ("moderate"), so
the number of requests that may do so at once (workers x threads) must fit in memory with room for
PostgreSQL. By default a quarter of the machine's memory goes to key derivations; set
AMANA_WEB_WORKERS / AMANA_WEB_THREADS to choose yourself.
"""

from __future__ import annotations

import os

ARGON2_MIB = 256


def _memory_mib() -> int:
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return 2048


def _threads_total() -> int:
    return max(2, _memory_mib() // 4 // ARGON2_MIB)


workers = int(os.environ.get("AMANA_WEB_WORKERS", "2"))
threads = int(os.environ.get("AMANA_WEB_THREADS", str(max(2, _threads_total() // workers))))
# gthread: a slow client holds one thread, not a whole worker, and the worker keeps telling the
# arbiter it is alive, so a long request is never killed as a "WORKER TIMEOUT". Caddy in front
# buffers request bodies, so uploads arrive whole.
worker_class = "gthread"
bind = os.environ.get("AMANA_UPSTREAM", "127.0.0.1:8000")
timeout = 120
graceful_timeout = 60
keepalive = 75  # longer than the proxy's idle keep-alive to gunicorn, so Caddy closes first
max_requests = 2000  # recycle workers now and then, with jitter so they do not all restart at once
max_requests_jitter = 200
# No access log: survivors' requests must leave no trace. Errors go to the journal (or a file).
accesslog = None
errorlog = os.environ.get("AMANA_WEB_ERROR_LOG", "-")
loglevel = "info"
forwarded_allow_ips = "127.0.0.1"
