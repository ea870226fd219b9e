"""The partner registry with 20,000 partners in one tenant: list and detail pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/channelhub_bench .venv/bin/python benchmarks/partner_registry.py

The first run loads the tenant ``bench-partners`` (20,000 partners with tiers, a region
tree, two contacts and a timeline entry each; about a minute on PostgreSQL); later runs
reuse it. Reports median and p95 time and the query count of the list page (unfiltered,
filtered, searched, sorted, deep pages) as a channel manager and as a tenant admin, and of
a detail page. Budget: p95 under 150 ms and one query count per page.

Each run ends with VACUUM ANALYZE, as autovacuum would have after the load (set
BENCH_VACUUM=0 for ANALYZE only: the state right after a bulk load). Timed in-process with
the development settings; benchmarks/throughput.py measures the same data under gunicorn.
"""

import os
import random
import sys
import time
from decimal import Decimal

from harness import measure, report, setup_django

N = 20_000
SLUG = "bench-partners"
BATCH = 2000


def load(tenant, managers):
    """Bulk-load the partners, their contacts and a creation entry on each timeline."""
    from django.contrib.contenttypes.models import ContentType

    from channelhub.models import Activity
    from channelhub.tenancy import tenant_context
    from partners import demo
    from partners.models import ChannelType, CreditRating, Partner, PartnerContact, PartnerStatus

    with tenant_context(tenant):
        have = Partner.objects.count()
        if have >= N:
            return 0
        spec = demo.SPECS["xingchi"]
        tiers, _made = demo._tiers(tenant, spec)
        districts, _made = demo._regions(tenant, spec)
        partner_type = ContentType.objects.get_for_model(Partner)
        types = list(ChannelType.values)
        ratings = list(CreditRating.values)
        started = time.perf_counter()
        for start in range(have, N, BATCH):
            rng = random.Random(start)
            batch = []
            for i in range(start, min(N, start + BATCH)):
                district = districts[i % len(districts)]
                status = PartnerStatus.ACTIVE
                if i % 11 == 5:
                    status = PartnerStatus.SUSPENDED
                elif i % 23 == 9:
                    status = PartnerStatus.TERMINATED
                batch.append(
                    Partner(
                        tenant=tenant,
                        name=f"{district.parent.name.rstrip('市')}{rng.choice(spec['brands'])}基准{i:05d}有限公司",
                        credit_code=demo.make_credit_code(rng, district.code),
                        legal_representative=demo._person(rng),
                        registered_capital=Decimal(rng.choice([100, 500, 1000, 5000])) * 10000,
                        address=f"{district.parent.name}{district.name}{rng.choice(spec['roads'])}{i % 400 + 1}号",
                        channel_type=types[i % len(types)],
                        tier=tiers[i % len(tiers)],
                        region=district,
                        owner=managers[i % len(managers)],
                        bank_name="中国工商银行",
                        bank_account_name="基准",
                        bank_account_number=f"{i:019d}",
                        credit_limit=Decimal(rng.choice([10, 50, 100, 300])) * 10000,
                        credit_rating=ratings[i % len(ratings)],
                        status=status,
                    )
                )
            # The credit code is unique per tenant: a rare random clash is dropped, not fatal.
            created = Partner.objects.bulk_create(batch, ignore_conflicts=True)
            created = list(Partner.objects.filter(name__in=[p.name for p in created]))
            PartnerContact.objects.bulk_create(
                [
                    PartnerContact(
                        tenant=tenant,
                        partner=partner,
                        name=f"联系人{n}",
                        position="总经理" if n == 0 else "销售经理",
                        mobile=f"1380000{partner.pk % 10000:04d}",
                        is_primary=n == 0,
                    )
                    for partner in created
                    for n in range(2)
                ]
            )
            Activity.objects.bulk_create(
                [
                    Activity(
                        tenant=tenant,
                        content_type=partner_type,
                        object_id=partner.pk,
                        verb="partner.created",
                        to_state=partner.status,
                        via="import",
                    )
                    for partner in created
                ]
            )
        print(f"loaded {Partner.objects.count()} partners in {time.perf_counter() - started:.0f} s")
        return N - have


def complete_detail_partner(tenant, managers):
    """The detail page's partner gets documents (with files), records and contacts like a
    demo partner, so the page shows every tab filled."""
    from channelhub.tenancy import tenant_context
    from partners import demo
    from partners.models import Partner, PartnerContact, PartnerDocument

    with tenant_context(tenant):
        first = Partner.objects.order_by("pk").first()
        if PartnerDocument.objects.filter(partner=first).exists():
            return first
        PartnerContact.objects.filter(partner=first).update(is_primary=False)
        demo._children(
            random.Random(1), tenant, demo.SPECS["xingchi"], [{"partner": first, "index": 1}], managers
        )
        return first


def prepare():
    """The benchmark tenant, its people (by login: "manager", "admin", "manager1"…) and the
    detail page's partner, loaded on the first run and reused after (also benchmarks/throughput.py)."""
    from django.db import connection

    from channelhub.models import Membership, Tenant, User
    from channelhub.roles import Role
    from channelhub.tenancy import tenant_context

    tenant, _ = Tenant.objects.get_or_create(slug=SLUG, defaults={"name": "基准测试渠道租户"})
    people = {}
    for login, role in [("manager", Role.CHANNEL_MANAGER), ("admin", Role.TENANT_ADMIN)] + [
        (f"manager{n}", Role.CHANNEL_MANAGER) for n in range(1, 10)
    ]:
        email = f"bench-partners-{login}@example.com"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email, password="Bench-password-2026", full_name=f"基准{login}"
        )
        with tenant_context(tenant):
            Membership.objects.get_or_create(user=user, defaults={"role": role})
        people[login] = user
    managers = [people["manager"]] + [people[f"manager{n}"] for n in range(1, 10)]
    load(tenant, managers)
    detail = complete_detail_partner(tenant, managers)
    if connection.vendor == "postgresql":
        # What autovacuum does to a production database after a bulk load (and what a
        # server with autovacuum off, like a CI one, never does): the statistics, and the
        # visibility map that lets counts and id pages read the indexes alone.
        # BENCH_VACUUM=0 keeps the freshly loaded state (statistics only).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if os.environ.get("BENCH_VACUUM") == "0" else "VACUUM ANALYZE")
    return tenant, people, detail


def main():
    setup_django()
    from django.db import connection
    from django.test import Client

    from channelhub.tenancy import tenant_context
    from partners.models import Partner, Region, RegionLevel

    tenant, people, _detail = prepare()

    with tenant_context(tenant):
        province = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first()
        city = Region.objects.filter(level=RegionLevel.CITY).order_by("code").first()
        detail = Partner.objects.order_by("pk").first()
        total = Partner.objects.count()
    base = f"/t/{SLUG}/partners/"
    manager, admin = Client(), Client()
    manager.force_login(people["manager"])
    admin.force_login(people["admin"])
    rows = [
        measure(manager, base),  # the manager's own portfolio (2,000 partners)
        measure(manager, base + "?page=40"),
        measure(manager, base + "?scope=all"),
        measure(admin, base),
        measure(admin, base + "?page=400"),
        measure(admin, base + "?sort=-credit&page=200"),
        measure(admin, base + "?status=suspended"),
        measure(admin, f"{base}?region={province.pk}&channel_type=distributor"),
        measure(admin, f"{base}?region={city.pk}&sort=territory"),
        measure(admin, base + "?q=基准1234"),
        measure(admin, base + "?q=" + detail.credit_code[:10]),
        measure(admin, f"{base}?owner={people['manager3'].pk}&tier=&status=active"),
        measure(manager, f"{base}{detail.pk}/"),
        measure(admin, f"{base}{detail.pk}/"),
    ]
    ok = report(f"Partner registry, {total} partners in one tenant ({connection.vendor})", rows)
    return ok


if __name__ == "__main__":
    ok = main()
    print("\nall within budget" if ok else "\nSOME PAGES ARE OVER BUDGET", file=sys.stderr)
    raise SystemExit(0 if ok else 1)
