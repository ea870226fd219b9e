"""Shared bits for the benchmark scripts: Django set-up and page timing.

Pages are timed in-process through Django's test client (middleware, views,
templates and every SQL query included; no network). Run against PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/channelhub_bench .venv/bin/python benchmarks/<script>.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channelhub.settings")


def setup_django():
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print(
            "warning: not on PostgreSQL; the budgets are for PostgreSQL (set DATABASE_URL)", file=sys.stderr
        )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure(client, url: str, *, runs: int = 60, warmup: int = 5) -> dict:
    """Median / p95 milliseconds and queries per request of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings, queries = [], set()
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.add(len(captured))
    timings.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "queries": sorted(queries),
    }


def report(title: str, rows: list[dict], budget_ms: float = 150.0) -> bool:
    print(f"\n{title}")
    print(f"{'page':<60} {'median':>8} {'p95':>8} {'queries':>10}  ok")
    ok_all = True
    for row in rows:
        ok = row["p95_ms"] < budget_ms and len(row["queries"]) == 1
        ok_all &= ok
        print(
            f"{row['url'][:60]:<60} {row['median_ms']:>7}ms {row['p95_ms']:>7}ms "
            f"{','.join(map(str, row['queries'])):>10}  {'yes' if ok else 'NO'}"
        )
    return ok_all
