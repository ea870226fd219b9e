"""Throughput under gunicorn: requests per second and p50/p95 latency of the busiest pages.

    .venv/bin/python benchmarks/throughput.py [--seconds 10] [--user admin|manager] [--generator wrk|python]

Needs PostgreSQL and Redis (defaults: the database ``channelhub_bench`` at
postgres://postgres@127.0.0.1:5432/, Redis database 9 at 127.0.0.1:6379; set DATABASE_URL
and REDIS_URL to change them). The first run loads the 20,000 partners of
benchmarks/partner_registry.py (about a minute), later runs reuse them.

The script starts gunicorn itself as production runs it (``--config gunicorn.conf.py``,
CHANNELHUB_ENV=production so DEBUG is off, collected static files, access log on), with
2 sync workers, logs in over HTTP like a browser, then drives each page for ``--seconds``
with 4 concurrent connections. The load comes from wrk (``apt-get install wrk``) if it is
installed, else from a small Python generator (threads, one http.client connection each).

Printed per page: requests/s, p50 and p95 in ms, the CPU the gunicorn workers, PostgreSQL
and the load generator used per request (the workers' CPU ms/req is the Python cost of a
page; the generator's share shows it was not the bottleneck), and the share of the
machine's CPU that went to anything else meanwhile ("others": a few per cent when calm;
more means another job ran and the figures are low). Goals (docs/performance.md): the
home page ≥ 400 requests/s, the partner list and detail ≥ 150/s each, every page p95 < 120 ms.
Measure on a calm machine (the load average is printed first): two cores are shared by
the workers, PostgreSQL and the generator.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/channelhub_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
PASSWORD = "Bench-password-2026"  # benchmarks/partner_registry.py creates its people with it

# page -> (requests/s goal or None, p95 goal in ms)
GOALS = {
    "healthz": (None, 120),
    "home": (400, 120),
    "list": (150, 120),
    "search": (None, 120),
    "deep sort": (None, 120),
    "detail": (150, 120),
}

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "WRK-RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, " ..
    "\\"p99_us\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""


def production_env(port: int) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "channelhub.settings",
            "CHANNELHUB_ENV": "production",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://bench.channelhub.invalid",
            # Plain HTTP on localhost: no redirect to https (no TLS proxy in front).
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "LOG_LEVEL": env.get("LOG_LEVEL", "WARNING"),
        }
    )
    env.pop("DJANGO_SECRET_KEY_FILE", None)
    return env


def prepare_data(collect: bool = True):
    """Migrate, load (or reuse) the partners, collect the static files (production's
    manifest storage refuses a file missing from it). Runs in this process."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("warning: not on PostgreSQL; the goals are for PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    if collect or not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        started = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"collectstatic: {time.perf_counter() - started:.1f} s")

    import partner_registry
    from django.urls import reverse

    tenant, people, detail = partner_registry.prepare()
    connection.close()
    return tenant.slug, detail.pk, {login: user.email for login, user in people.items()}, reverse("login")


# --- gunicorn --------------------------------------------------------------------------------


def start_gunicorn(env, port, workers, logs: Path):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "channelhub.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(logs / "access.log"),
        "--error-logfile",
        str(logs / "error.log"),
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited ({process.returncode}); see {logs / 'error.log'}")
        try:
            status, _headers, _body = request(port, "GET", "/healthz")
            if status == 200 and len(worker_pids(process.pid)) == workers:
                return process
        except OSError:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, split after the last ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == master:
            pids.append(int(entry.name))
    return pids


def postgres_pids() -> list[int]:
    """PostgreSQL's processes on this machine (the server's share of the CPU)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU of each process so far (from /proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


class DatabaseCpu:
    """PostgreSQL's CPU while a page is driven, sampled every half second: a worker's
    connection ends after CONN_MAX_AGE and a new one starts, so the processes change."""

    def __init__(self):
        self.total, self.seen = 0.0, cpu_seconds(postgres_pids())
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self):
        now = cpu_seconds(postgres_pids())
        self.total += cpu_used(self.seen, now)
        self.seen = now

    def run(self):
        while not self.stop.wait(0.5):
            self.sample()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sample()


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all cores, from /proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """The CPU the processes used in between: those alive at both ends, and those started
    meanwhile (a worker's new database connection: CONN_MAX_AGE ends the old one)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# --- HTTP --------------------------------------------------------------------------------------


def request(port, method, path, *, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def cookies_of(headers) -> dict:
    jar = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def log_in(port, login_path, email) -> str:
    """The session cookie of a log-in through the portal's own form (CSRF, django-axes)."""
    status, headers, body = request(port, "GET", login_path)
    if status != 200:
        raise SystemExit(f"GET {login_path} answered HTTP {status}")
    jar = cookies_of(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
    status, headers, _body = request(
        port,
        "POST",
        login_path,
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
            "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}{login_path}",
        },
    )
    session = cookies_of(headers).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"log-in as {email} failed (HTTP {status})")
    return f"sessionid={session}"


# --- load --------------------------------------------------------------------------------------


def drive_wrk(port, path, cookie, seconds, connections, script: Path) -> dict:
    command = [
        "wrk",
        f"--threads={min(2, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={script}",
        "--header",
        f"Cookie: {cookie}",
        f"http://127.0.0.1:{port}{path}",
    ]
    before = os.times()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = os.times()
    line = next(line for line in output.splitlines() if line.startswith("WRK-RESULT "))
    result = json.loads(line.removeprefix("WRK-RESULT "))
    return {
        "requests": result["requests"],
        "seconds": result["duration_us"] / 1e6,
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "errors": result["errors"],
        "generator_cpu": (after.children_user - before.children_user)
        + (after.children_system - before.children_system),
    }


def drive_python(port, path, cookie, seconds, connections) -> dict:
    """``connections`` threads, each with its own http.client connection (reopened when the
    sync worker closes it), timing every request."""
    timings: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.perf_counter() + seconds

    def run(slot):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        headers = {"Cookie": cookie}
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                connection.close()
                continue
            timings[slot].append((time.perf_counter() - started) * 1000)
        connection.close()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in range(connections)]
    cpu_before, started = time.process_time(), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(t for slot in timings for t in slot)
    return {
        "requests": len(every),
        "seconds": elapsed,
        "p50_ms": statistics.median(every) if every else 0.0,
        "p95_ms": every[max(0, int(len(every) * 0.95) - 1)] if every else 0.0,
        "errors": sum(errors),
        "generator_cpu": time.process_time() - cpu_before,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="load per page (default 10)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--user", choices=["admin", "manager"], default="admin")
    parser.add_argument(
        "--generator", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    parser.add_argument(
        "--skip-collectstatic", action="store_true", help="reuse the collected static files (if any)"
    )
    parser.add_argument("--pages", help="comma-separated subset of: " + ", ".join(GOALS))
    args = parser.parse_args()

    env = production_env(args.port)
    os.environ.update(env)
    load = os.getloadavg()
    print(f"load average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} CPUs)")
    if load[0] > 0.5:
        print("warning: the machine is busy; the figures will be low", file=sys.stderr)

    slug, detail_pk, emails, login_path = prepare_data(collect=not args.skip_collectstatic)
    base = f"/t/{slug}"
    pages = {
        "healthz": "/healthz",
        "home": f"{base}/",
        "list": f"{base}/partners/",
        "search": f"{base}/partners/?q={urllib.parse.quote('基准1234')}",
        "deep sort": f"{base}/partners/?sort=-credit&page=200",
        "detail": f"{base}/partners/{detail_pk}/",
    }
    if args.pages:
        wanted = [name.strip() for name in args.pages.split(",")]
        pages = {name: pages[name] for name in wanted}

    with tempfile.TemporaryDirectory(prefix="channelhub-throughput-") as folder:
        folder = Path(folder)
        script = folder / "report.lua"
        script.write_text(WRK_SCRIPT)
        server = start_gunicorn(env, args.port, args.workers, folder)
        try:
            workers = worker_pids(server.pid)
            cookie = log_in(args.port, login_path, emails[args.user])
            for name, path in pages.items():  # warm up: templates compiled, connections open
                for _ in range(10 * args.workers):
                    status, _headers, _body = request(args.port, "GET", path, headers={"Cookie": cookie})
                    if status != 200:
                        raise SystemExit(f"{name} ({path}) answered HTTP {status}")
            print(
                f"\ngunicorn: {args.workers} sync workers, DEBUG off; {args.connections} connections, "
                f"{args.seconds} s per page, as {args.user}, load from {args.generator}"
            )
            print(
                f"{'page':<10} {'path':<44} {'req/s':>7} {'p50':>8} {'p95':>8} "
                f"{'workers':>11} {'postgres':>11} {'generator':>11} {'others':>7}  ok"
            )
            ok_all = True
            for name, path in pages.items():
                cpu_before, busy_before = cpu_seconds(workers), machine_busy_seconds()
                with DatabaseCpu() as database:
                    if args.generator == "wrk":
                        result = drive_wrk(args.port, path, cookie, args.seconds, args.connections, script)
                    else:
                        result = drive_python(args.port, path, cookie, args.seconds, args.connections)
                worker_cpu = cpu_used(cpu_before, cpu_seconds(workers))
                database_cpu = database.total
                # Everything else the machine did meanwhile: near zero on a calm machine.
                others = (
                    machine_busy_seconds() - busy_before - worker_cpu - database_cpu - result["generator_cpu"]
                )
                others_share = max(0.0, others) / (result["seconds"] * (os.cpu_count() or 1))
                rate = result["requests"] / result["seconds"]
                goal_rate, goal_p95 = GOALS[name]
                ok = result["p95_ms"] < goal_p95 and (goal_rate is None or rate >= goal_rate)
                ok = ok and result["errors"] == 0
                ok_all &= ok
                per_request = 1000 / max(result["requests"], 1)
                print(
                    f"{name:<10} {urllib.parse.unquote(path)[:44]:<44} {rate:>7.0f} {result['p50_ms']:>6.1f}ms "
                    f"{result['p95_ms']:>6.1f}ms {worker_cpu * per_request:>6.1f}ms/req "
                    f"{database_cpu * per_request:>6.1f}ms/req "
                    f"{result['generator_cpu'] * per_request:>5.2f}ms/req {others_share:>6.0%}  {'yes' if ok else 'NO'}"
                    + (f"  ({result['errors']} errors)" if result["errors"] else "")
                )
        except BaseException:
            error_log = folder / "error.log"
            if error_log.exists():
                print(
                    "gunicorn's error log, last lines:", *error_log.read_text().splitlines()[-30:], sep="\n"
                )
            raise
        finally:
            stop_gunicorn(server)
    load = os.getloadavg()
    print(f"\nload average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return ok_all


if __name__ == "__main__":
    ok = main()
    print("\nall goals met" if ok else "\nSOME GOALS ARE NOT MET", file=sys.stderr)
    raise SystemExit(0 if ok else 1)
