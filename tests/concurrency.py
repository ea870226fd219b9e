"""Two people acting at the same moment, for real: each in its own thread and database
connection, released together at a barrier (PostgreSQL's row locks decide who waits)."""

import threading

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from channelhub import approvals
from channelhub.tenancy import tenant_context

postgresql_only_reason = "real concurrency needs PostgreSQL's row locks"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def race(tenant, act, pairs):
    """Run ``act(copy, user)`` for each pair in its own thread, all released at once.
    Returns "won" or the refusal's message, one per thread."""
    barrier, outcomes = threading.Barrier(len(pairs)), []

    def run(copy, user):
        from django.db import connection as thread_connection

        with translation.override("en"):  # a thread has its own language: the messages read English
            try:
                with tenant_context(tenant):
                    barrier.wait(timeout=30)
                    act(copy, user)
                    outcomes.append("won")
            except approvals.AlreadyDecided as decided:
                outcomes.append(decided.message)
            except ValidationError as error:
                outcomes.append(error.messages[0])
            finally:
                thread_connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
