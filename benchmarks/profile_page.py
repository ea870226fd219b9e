"""Where a page's Python time goes: pyinstrument over many requests to one page.

    .venv/bin/python benchmarks/profile_page.py detail [--requests 200] [--user admin] [--html out.html]

Pages as in benchmarks/throughput.py (home, list, search, deep sort, detail, healthz), with
the same production settings (DEBUG off) and data, in-process through Django's test client.
Prints the query count of one request and pyinstrument's call tree.
"""

import argparse
import os
import sys
import time
import urllib.parse

import throughput


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", choices=list(throughput.GOALS))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--user", choices=["admin", "manager"], default="admin")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument("--interval", type=float, default=0.0005)
    args = parser.parse_args()

    os.environ.update(throughput.production_env(0))
    import django

    django.setup()
    import partner_registry
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    tenant, people, detail = partner_registry.prepare()
    base = f"/t/{tenant.slug}"
    path = {
        "healthz": "/healthz",
        "home": f"{base}/",
        "list": f"{base}/partners/",
        "search": f"{base}/partners/?q={urllib.parse.quote('基准1234')}",
        "deep sort": f"{base}/partners/?sort=-credit&page=200",
        "detail": f"{base}/partners/{detail.pk}/",
    }[args.page]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people[args.user])
    for _ in range(20):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    print(f"{path}: {len(captured)} queries, {len(response.content)} bytes")

    from pyinstrument import Profiler

    profiler = Profiler(interval=args.interval)
    started = time.perf_counter()
    profiler.start()
    for _ in range(args.requests):
        client.get(path)
    profiler.stop()
    elapsed = time.perf_counter() - started
    print(f"{args.requests} requests: {elapsed / args.requests * 1000:.1f} ms each (with the profiler)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())


if __name__ == "__main__":
    sys.exit(main())
