"""Celery: a real worker answers through Redis; TenantTask runs each task inside its tenant."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from channelhub.celery import TenantTask
from channelhub.celery import app as celery_app
from channelhub.models import Membership
from channelhub.roles import Role
from channelhub.tasks import ping
from channelhub.tenancy import TenantNotActive, get_current_tenant, tenant_context
from tests.factories import MembershipFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@celery_app.task(bind=True, name="tests.channelhub.tenant_probe")
def tenant_probe(self, *, tenant_id=None, fail=False):
    """Reports the tenant it runs in and what the scoped manager sees there."""
    tenant = get_current_tenant()
    if fail:
        raise RuntimeError("the task failed half-way")
    return {
        "tenant": tenant.pk if tenant else None,
        "clerks": sorted(Membership.objects.filter(role=Role.CLERK).values_list("pk", flat=True)),
    }


# --- TenantTask (every run) ---------------------------------------------------------------


def test_it_makes_tenant_task_the_base_of_every_task():
    assert isinstance(tenant_probe, TenantTask)
    assert isinstance(ping, TenantTask)


@pytest.mark.django_db
def test_it_runs_a_task_inside_the_tenant_it_names_and_resets_after(alpha, beta):
    clerk = MembershipFactory(tenant=alpha, role=Role.CLERK)
    MembershipFactory(tenant=beta, role=Role.CLERK)
    assert get_current_tenant() is None

    result = tenant_probe.apply(kwargs={"tenant_id": alpha.pk})
    assert result.get() == {"tenant": alpha.pk, "clerks": [clerk.pk]}
    assert get_current_tenant() is None

    assert tenant_probe.delay(tenant_id=alpha.pk).get()["tenant"] == alpha.pk
    assert get_current_tenant() is None


@pytest.mark.django_db
def test_it_restores_the_callers_tenant_even_when_the_task_fails(alpha, beta):
    with tenant_context(beta):
        assert tenant_probe.apply(kwargs={"tenant_id": alpha.pk}).get()["tenant"] == alpha.pk
        assert get_current_tenant() == beta
        with pytest.raises(RuntimeError):
            tenant_probe.apply(kwargs={"tenant_id": alpha.pk, "fail": True})
        assert get_current_tenant() == beta
    assert get_current_tenant() is None


@pytest.mark.django_db
def test_it_runs_a_task_without_tenant_id_with_no_tenant_active(alpha):
    with pytest.raises(TenantNotActive):
        tenant_probe.apply()


def test_it_answers_ping_eagerly():
    assert ping.delay("eager").get() == "pong:eager"


# --- a real worker (needs Redis) ----------------------------------------------------------------


def _celery_command():
    executable = PROJECT_ROOT / ".venv" / "bin" / "celery"
    return [str(executable)] if executable.exists() else [sys.executable, "-m", "celery"]


@pytest.mark.redis
@pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL (a real broker)")
def test_it_runs_a_task_on_a_real_worker(tmp_path):
    celery_app.conf.task_always_eager = False  # the autouse fixture turns it on for every test
    queue = f"test-{uuid.uuid4().hex}"
    log_path = tmp_path / "worker.log"
    command = [
        *_celery_command(),
        "-A",
        "channelhub",
        "worker",
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
        "-Q",
        queue,
        "-n",
        f"{queue}@%h",
    ]
    with log_path.open("w") as log:
        worker = subprocess.Popen(command, cwd=PROJECT_ROOT, env=dict(os.environ), stdout=log, stderr=log)
    result = None
    try:
        value = uuid.uuid4().hex
        result = ping.apply_async(args=[value], queue=queue)
        try:
            answer = result.get(timeout=60)
        except Exception as error:  # show the worker's side of the story
            pytest.fail(f"no answer from the worker ({error!r}):\n{log_path.read_text()[-3000:]}")
        assert answer == f"pong:{value}"
        assert result.status == "SUCCESS"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        celery_app.conf.task_always_eager = True
        _clean_up_redis(queue, result)


def _clean_up_redis(queue, result):
    import redis

    if result is not None:
        result.forget()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()
