"""Django settings for bench/bench_api.py: OneStop's settings with the bench urlconf.

The bench urlconf serves every product URL plus the bare one-row-insert endpoint, so
both run in the same server process with the same middleware.
"""

from onestop.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
