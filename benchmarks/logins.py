"""Log-ins per second in one process: PBKDF2 (Django's default) against Argon2 (ours).

    .venv/bin/python benchmarks/logins.py [runs]

For each hasher a real user's password is hashed with it, then timed ``runs`` times (default
10) two ways: ``check_password`` alone (the hasher) and ``authenticate`` (what the log-in page
does: the django-axes check, the user query, the hash, the failure records). Wall time and CPU
time are both shown: Argon2 works in several threads (Django: parallelism 8, 100 MiB, 2
passes), so its CPU seconds can exceed its wall seconds. Everything runs in a transaction that
is rolled back: the database is left as it was. PostgreSQL is not needed (the hash dominates).
"""

import sys
import time

from harness import setup_django

HASHERS = {
    "PBKDF2": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "Argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
}
PASSWORD = "Benchmark-lantern-2026"


class Rollback(Exception):
    pass


def timed(function, runs: int) -> dict:
    function()  # warm-up (imports, first query)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(runs):
        assert function()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"per_second": runs / wall, "wall_ms": wall / runs * 1000, "cpu_ms": cpu / runs * 1000}


def measure_hasher(path: str, runs: int) -> dict:
    from django.contrib.auth import authenticate
    from django.db import transaction
    from django.test import RequestFactory
    from django.test.utils import override_settings

    from channelhub.models import User

    results = {}
    with override_settings(PASSWORD_HASHERS=[path]):
        try:
            with transaction.atomic():
                user = User.objects.create_user("bench-login@example.com", PASSWORD)
                results["algorithm"] = user.password.split("$", 1)[0]
                results["check_password"] = timed(lambda: user.check_password(PASSWORD), runs)

                def log_in():
                    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="192.0.2.1")
                    return authenticate(request, username=user.email, password=PASSWORD)

                results["authenticate"] = timed(log_in, runs)
                raise Rollback
        except Rollback:
            pass
    return results


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    setup_django()
    print(f"\nLog-ins in one process ({runs} runs each)")
    print(f"{'hasher':<8} {'algorithm':<14} {'measured':<15} {'log-ins/s':>10} {'wall ms':>9} {'CPU ms':>8}")
    rows = {}
    for name, path in HASHERS.items():
        rows[name] = measure_hasher(path, runs)
        for kind in ("check_password", "authenticate"):
            row = rows[name][kind]
            print(
                f"{name:<8} {rows[name]['algorithm']:<14} {kind:<15} {row['per_second']:>10.1f} "
                f"{row['wall_ms']:>9.1f} {row['cpu_ms']:>8.1f}"
            )
    before, after = rows["PBKDF2"]["authenticate"], rows["Argon2"]["authenticate"]
    print(
        f"\nArgon2 against PBKDF2 (authenticate): {after['per_second'] / before['per_second']:.1f}x the "
        f"log-ins per second, {after['cpu_ms'] / before['cpu_ms']:.2f}x the CPU time per log-in"
    )


if __name__ == "__main__":
    main()
