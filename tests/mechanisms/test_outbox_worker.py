"""A real Celery worker on Redis and PostgreSQL, killed with SIGKILL in the middle of a batch
of e-mails: afterwards every message has been sent, and at most one of them twice (the one
the worker may have handed to the mail server just before it died; same Message-ID)."""

import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from channelhub import mail as outbox
from channelhub.celery import app as celery_app
from channelhub.models import OutgoingEmail
from channelhub.tasks import send_outgoing_email, send_unsent_email

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2
BATCHES, PER_BATCH = 3, 8

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)"),
]


def _database_url():
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(queue, mail_log, log_path):
    celery = PROJECT_ROOT / ".venv" / "bin" / "celery"
    command = [str(celery)] if celery.exists() else ["python", "-m", "celery"]
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),  # the test database, which the rows are committed to
        "EMAIL_BACKEND": "tests.mechanisms.slow_mail_backend.EmailBackend",
        "CHANNELHUB_TEST_MAIL_LOG": str(mail_log),
        "CHANNELHUB_TEST_MAIL_DELAY": "0.25",
        "OUTGOING_EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    with log_path.open("a") as log:
        return subprocess.Popen(
            [
                *command, "-A", "channelhub", "worker", "--pool=solo", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "--loglevel=INFO", "-Q", queue,
                "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log,
        )  # fmt: skip


def _wait(condition, timeout, what, log_path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{log_path.read_text()[-3000:]}")


def _lines(path):
    return path.read_text().split() if path.exists() else []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a worker process needs a shared database server"
)
def test_a_worker_killed_mid_batch_loses_no_email(tmp_path, monkeypatch, settings):
    settings.OUTGOING_EMAIL_LEASE = __import__("datetime").timedelta(seconds=LEASE_SECONDS)
    celery_app.conf.task_always_eager = False  # the autouse fixture turns it on for every test
    queue = f"test-outbox-{uuid.uuid4().hex}"
    # The code under test calls .delay(); only the queue is the test's own.
    monkeypatch.setattr(
        send_outgoing_email,
        "delay",
        lambda **kwargs: send_outgoing_email.apply_async(kwargs=kwargs, queue=queue),
    )
    mail_log, worker_log = tmp_path / "delivered.log", tmp_path / "worker.log"
    for batch in range(BATCHES):
        with transaction.atomic():  # one event, one batch: dispatched when this commits
            outbox.queue_emails(
                [
                    {
                        "subject": f"批次 {batch} 第 {n} 封",
                        "body": "正文",
                        "to": [f"p{batch}-{n}@example.com"],
                    }
                    for n in range(PER_BATCH)
                ]
            )
    message_ids = set(OutgoingEmail.objects.values_list("message_id", flat=True))
    assert len(message_ids) == BATCHES * PER_BATCH

    first = _start_worker(queue, mail_log, worker_log)
    second = None
    try:
        _wait(lambda: len(_lines(mail_log)) >= 5, 90, "the first worker to send five messages", worker_log)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        sent_before = len(_lines(mail_log))
        assert sent_before < BATCHES * PER_BATCH, "the worker was not killed mid-batch"

        second = _start_worker(queue, mail_log, worker_log)
        time.sleep(LEASE_SECONDS + 0.5)  # the killed worker's lease on its last row lapses
        send_unsent_email(older_than_seconds=0)  # what beat runs every minute
        _wait(
            lambda: not OutgoingEmail.objects.filter(sent_at__isnull=True).exists(),
            90,
            "every row to be marked sent",
            worker_log,
        )
        time.sleep(1)  # anything still running would show up as a duplicate
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        celery_app.conf.task_always_eager = True
        _clean_up_redis(queue)

    delivered = Counter(_lines(mail_log))
    assert set(delivered) == message_ids, "a message was lost"
    duplicates = {mid: n for mid, n in delivered.items() if n > 1}
    assert sum(n - 1 for n in duplicates.values()) <= 1, f"more than one duplicate for one kill: {duplicates}"


def _clean_up_redis(queue):
    """The killed worker's unacknowledged message would come back in 15 minutes; drop it."""
    import json

    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    for tag, payload in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(payload)[2]
        except (ValueError, IndexError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()
