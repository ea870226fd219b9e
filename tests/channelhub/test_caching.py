"""What the shared cache keeps between requests (channelhub.caching) and when it lets go: every
change to what a kept value was computed from is seen by the next request — through save(),
delete(), a queryset update() and bulk_create() — in another process too (the cache is shared)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from channelhub import caching
from channelhub.models import Membership, Notification, Tenant, User
from channelhub.notifications import mark_all_read, notify, unread_count
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import Partner, Region, Tier
from tests.factories import MembershipFactory, PartnerFactory, RegionFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(settings):
    """The production arrangement (a cache every process shares), in this process's memory."""
    settings.SHARED_CACHE = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "caching-tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(member):
    return member(Role.CHANNEL_MANAGER)


@pytest.fixture
def admin(member):
    return member(Role.TENANT_ADMIN)


@pytest.fixture
def territory(alpha):
    province = RegionFactory(tenant=alpha, name="浙江省", code="330000")
    city = RegionFactory(tenant=alpha, name="杭州市", code="330100", parent=province)
    return {"xihu": RegionFactory(tenant=alpha, name="西湖区", code="330106", parent=city)}


# --- the mechanism --------------------------------------------------------------------------


def test_a_kept_value_is_computed_once_until_its_scope_changes(shared_cache):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert [caching.kept("k", ("s1", "s2"), compute) for _ in range(3)] == [1, 1, 1]
    caching.changed("s2")
    assert caching.kept("k", ("s1", "s2"), compute) == 2
    caching.changed("other")
    assert caching.kept("k", ("s1", "s2"), compute) == 2
    assert len(computed) == 2


def test_a_value_computed_while_its_scope_changed_is_not_used(shared_cache):
    """A request reads the generations, then the rows; a change commits in between: what it
    computed carries the old generation and the next read recomputes."""
    values = iter(["old rows", "new rows"])

    def compute_during_a_change():
        value = next(values)
        caching.changed("s")  # another process commits a change meanwhile
        return value

    assert caching.kept("k", ("s",), compute_during_a_change) == "old rows"
    assert caching.kept("k", ("s",), lambda: "new rows") == "new rows"


def test_a_value_kept_before_the_change_committed_is_dropped_at_commit(
    shared_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        caching.changed("s")
        # another request, which cannot see the uncommitted rows yet, keeps what it read
        assert caching.kept("k", ("s",), lambda: "old rows") == "old rows"
    assert caching.kept("k", ("s",), lambda: "new rows") == "new rows"


def test_without_a_shared_cache_nothing_is_kept(settings):
    settings.SHARED_CACHE = False
    values = iter([1, 2])
    assert caching.kept("k", ("s",), lambda: next(values)) == 1
    assert caching.kept("k", ("s",), lambda: next(values)) == 2


def test_a_generation_lost_from_the_cache_starts_above_any_old_one(shared_cache):
    caching.kept("k", ("s",), lambda: "computed at generation 0")
    caching.changed("s")
    cache.delete("gen:s")  # evicted
    caching.changed("s")
    assert caching.kept("k", ("s",), lambda: "recomputed") == "recomputed"
    assert cache.get("gen:s") > 1_000_000


# --- the shell: the user, the workspaces, the counts -----------------------------------------


def _home(client):
    return client.get("/t/alpha/")


def test_the_home_page_reads_nothing_it_has_kept(shared_cache, manager, client_as):
    client = client_as(manager)
    assert _home(client).status_code == 200
    with CaptureQueriesContext(connection) as kept:
        assert _home(client).status_code == 200
    # at most the session (in the database here; with Redis, the cached_db engine reads it from
    # there): not the user, the workspaces, the unread count or the member count
    assert len(kept) <= 1 and all("django_session" in query["sql"] for query in kept.captured_queries)


def test_a_deactivated_user_is_logged_out_at_once(shared_cache, manager, client_as):
    client = client_as(manager)
    assert _home(client).status_code == 200
    manager.is_active = False
    manager.save()
    assert _home(client).status_code == 302  # to the log-in page


def test_a_users_new_name_shows_on_the_next_page(shared_cache, manager, client_as):
    client = client_as(manager)
    assert "王新名" not in _home(client).content.decode()
    User.objects.filter(pk=manager.pk).update(full_name="王新名")
    assert "王新名" in _home(client).content.decode()


def test_a_membership_ended_by_a_queryset_update_closes_the_workspace(shared_cache, manager, client_as):
    client = client_as(manager)
    assert _home(client).status_code == 200
    Membership.all_tenants.filter(user=manager).update(is_active=False)
    assert _home(client).status_code == 404


def test_a_changed_role_is_the_role_of_the_next_request(shared_cache, alpha, manager, client_as):
    client = client_as(manager)
    assert client.get("/t/alpha/partners/new/").status_code == 200
    membership = Membership.all_tenants.get(user=manager, tenant=alpha)
    membership.role = Role.EXECUTIVE
    membership.save()
    assert client.get("/t/alpha/partners/new/").status_code == 403


def test_a_new_workspace_appears_in_the_switch(shared_cache, beta, manager, client_as):
    client = client_as(manager)
    assert "贝塔通信有限公司" not in _home(client).content.decode()
    MembershipFactory(tenant=beta, user=manager, role=Role.CHANNEL_MANAGER)
    assert "贝塔通信有限公司" in _home(client).content.decode()
    Membership.all_tenants.filter(tenant=beta, user=manager).delete()
    assert "贝塔通信有限公司" not in _home(client).content.decode()


def test_a_workspace_setting_changed_is_the_setting_of_the_next_request(
    shared_cache, alpha, manager, client_as
):
    client = client_as(manager)
    assert _home(client).status_code == 200
    Tenant.objects.filter(pk=alpha.pk).update(name="阿尔法新名称")
    assert "阿尔法新名称" in _home(client).content.decode()
    Tenant.objects.filter(pk=alpha.pk).update(is_active=False)
    assert _home(client).status_code == 404


def test_the_unread_count_follows_new_and_read_notifications(shared_cache, alpha, manager):
    with tenant_context(alpha):
        assert unread_count(manager) == 0
        notify([manager], kind="partner.created", title="一", email=False)  # bulk_create
        assert unread_count(manager) == 1
        Notification.objects.create(recipient=manager, kind="partner.created", title="二")
        assert unread_count(manager) == 2
        mark_all_read(manager)
        assert unread_count(manager) == 0


def test_the_member_count_follows_memberships(shared_cache, alpha, admin, client_as):
    client = client_as(admin)
    before = _home(client).context["member_count"]
    MembershipFactory(tenant=alpha, role=Role.CLERK)
    assert _home(client).context["member_count"] == before + 1


# --- the partner list's filter choices -----------------------------------------------------------


def test_the_list_filter_follows_tiers_regions_and_managers(
    shared_cache, alpha, manager, territory, client_as
):
    client = client_as(manager)
    page = client.get("/t/alpha/partners/").content.decode()
    assert "钻石" not in page
    TierFactory(tenant=alpha, name="钻石")
    page = client.get("/t/alpha/partners/").content.decode()
    assert "钻石" in page
    with tenant_context(alpha):
        Tier.objects.filter(name="钻石").update(name="钻石级")
        Region.objects.filter(pk=territory["xihu"].pk).update(name="西湖新区")
    page = client.get("/t/alpha/partners/").content.decode()
    assert "钻石级" in page and "西湖新区" in page
    manager.full_name = "新的经理名"
    manager.save()
    assert "新的经理名" in client.get("/t/alpha/partners/").content.decode()


# --- the partner list's count ---------------------------------------------------------------------


def _count(client, query=""):
    # all partners, not the manager's own (the channel manager's default)
    response = client.get(f"/t/alpha/partners/?scope=all&{query.lstrip('?')}")
    assert response.status_code == 200
    return response.context["page"].paginator.count


def _count_queries(client, query=""):
    with CaptureQueriesContext(connection) as seen:
        _count(client, query)
    return [q["sql"] for q in seen.captured_queries if "COUNT" in q["sql"] and "partners_partner" in q["sql"]]


def test_the_list_counts_once_until_a_partner_changes(shared_cache, alpha, manager, client_as):
    client = client_as(manager)
    assert len(_count_queries(client)) == 1
    assert _count_queries(client) == []  # kept
    PartnerFactory(tenant=alpha)
    assert len(_count_queries(client)) == 1  # counted again


def test_the_list_count_follows_every_way_partners_change(shared_cache, alpha, manager, client_as):
    client = client_as(manager)
    before = _count(client)
    partner = PartnerFactory(tenant=alpha)  # save()
    assert _count(client) == before + 1
    with tenant_context(alpha):
        Partner.objects.bulk_create([PartnerFactory.build(tenant=alpha), PartnerFactory.build(tenant=alpha)])
        assert _count(client) == before + 3
        Partner.objects.filter(pk=partner.pk).delete()  # queryset delete
        assert _count(client) == before + 2
        Partner.objects.order_by("-pk").first().delete()  # instance delete
        assert _count(client) == before + 1


def test_a_filtered_count_follows_updates_and_bulk_updates(shared_cache, alpha, manager, client_as):
    client = client_as(manager)
    query = "?q=%E7%BB%9F%E8%AE%A1"  # 统计
    assert _count(client, query) == 0
    partner = PartnerFactory(tenant=alpha, name="其它公司")
    assert _count(client, query) == 0
    with tenant_context(alpha):
        Partner.objects.filter(pk=partner.pk).update(name="统计一号有限公司")
        assert _count(client, query) == 1
        partner.refresh_from_db()
        partner.name = "其它公司"
        Partner.objects.bulk_update([partner], ["name"])
        assert _count(client, query) == 0


def test_the_territory_count_follows_the_region_tree(shared_cache, alpha, manager, territory, client_as):
    client = client_as(manager)
    province = Region.all_tenants.get(tenant=alpha, code="330000")
    query = f"?region={province.pk}"
    in_the_city = Partner.all_tenants.filter(region__parent__code="330100").count()
    PartnerFactory(tenant=alpha, region=territory["xihu"])
    assert _count(client, query) == in_the_city + 1
    other = RegionFactory(tenant=alpha, name="江苏省", code="320000")
    assert _count(client, f"?region={other.pk}") == 0
    with tenant_context(alpha):
        # the city moves to another province: its districts' partners leave this territory
        Region.objects.filter(code="330100").update(parent=other)
    assert _count(client, query) == 0
    assert _count(client, f"?region={other.pk}") == in_the_city + 1


def test_each_tenant_and_each_filter_has_its_own_count(shared_cache, alpha, beta, manager, client_as):
    client = client_as(manager)
    PartnerFactory(tenant=beta)
    all_alpha = _count(client)
    assert _count(client, "?q=nothing-matches-this") == 0
    assert _count(client) == all_alpha
    assert all_alpha == Partner.all_tenants.filter(tenant=alpha).count()
