"""Shared fixtures: people of every role in two tenants (Healthchecks' Alice/Bob/Charlie).

``alpha`` is the tenant under test; ``beta`` holds the strangers. ``member(role)``
gives a user of that role in alpha; ``client_as(user)`` a logged-in test client.
"""

import pytest
from celery._state import _set_task_join_will_block
from django.test import Client

from channelhub.celery import app as celery_app
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from tests.factories import MembershipFactory, PartnerFactory, TenantFactory


@pytest.fixture(autouse=True)
def _eager_celery_and_private_storage(settings, tmp_path):
    """Tasks run in-process in tests unless a test starts a real worker."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    yield
    celery_app.conf.task_always_eager = False
    # An eager apply_async sets Celery's process-wide "joining would block" flag and restores
    # the value it saw; two threads doing so at once (the concurrency tests) can leave it set,
    # and every later result.get() would then refuse with "Never call result.get() within a task".
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True, scope="session")
def _shared_cache_emptied():
    """With Redis (the PostgreSQL run), values kept by channelhub.caching in an earlier run name
    rows of a database since recreated, whose ids start again from 1."""
    from django.conf import settings
    from django.core.cache import cache

    if settings.SHARED_CACHE:
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The production hasher costs ~0.3 s per password; tests create and log in many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alpha(db):
    return TenantFactory(slug="alpha", name="阿尔法充电科技有限公司")


@pytest.fixture
def beta(db):
    return TenantFactory(slug="beta", name="贝塔通信有限公司")


@pytest.fixture
def alpha_partner(alpha):
    return PartnerFactory(tenant=alpha, name="杭州驰远新能源设备有限公司")


@pytest.fixture
def member(alpha, alpha_partner):
    """``member(Role.CHANNEL_MANAGER)`` → a user holding that role in alpha."""
    cache = {}

    def make(role, tenant=None, partner=None):
        tenant = tenant or alpha
        key = (role, tenant.pk, partner.pk if partner else None)
        if key not in cache:
            if role in (Role.PARTNER_ADMIN, Role.PARTNER_STAFF) and partner is None and tenant == alpha:
                partner = alpha_partner
            kwargs = {"tenant": tenant, "role": role}
            if partner is not None:
                kwargs["partner"] = partner
            cache[key] = MembershipFactory(**kwargs).user
        return cache[key]

    return make


@pytest.fixture
def stranger(beta):
    """A tenant admin of beta: powerful at home, nobody in alpha."""
    return MembershipFactory(tenant=beta, role=Role.TENANT_ADMIN).user


@pytest.fixture
def client_as():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def in_alpha(alpha):
    with tenant_context(alpha):
        yield alpha
