"""Settings for the benchmark servers: production settings plus the baseline views.

Only two things differ from ``config.settings``, so the numbers describe the real
app: the URLconf adds the baseline endpoints under ``/bench/``, and an outermost
middleware reports how many SQL queries each request ran (``X-Bench-Queries``),
so the runner can give every baseline exactly the query count of its page.
"""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.query_count", *MIDDLEWARE]

# The load generator plays many guests at many tables, all from 127.0.0.1. Reading
# the client address from a header (as behind a load balancer) keeps the per-IP
# rate limit on ordering active and measured without blocking the benchmark.
RATELIMIT_IP_META_KEY = "bench.middleware.client_ip"
