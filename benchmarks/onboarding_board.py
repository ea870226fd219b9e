"""The admission pipeline board with 5,000 applications in one tenant, and contract PDFs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/channelhub_bench .venv/bin/python benchmarks/onboarding_board.py

Reports p95 and queries per board page, and the median of 20 contract PDF renders.
"""

import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from harness import measure, report, setup_django

N = 5000


def load(tenant, manager):
    from django.utils import timezone

    from channelhub.tenancy import tenant_context
    from onboarding.models import Application, Campaign, State
    from partners.validators import credit_code_check_char

    with tenant_context(tenant):
        if Application.objects.count() >= N:
            return
        campaigns = [
            Campaign.objects.get_or_create(
                slug=f"bench-{i}",
                defaults={
                    "title": f"基准招募 {i}",
                    "channel_types": ["distributor"],
                    "regions": "全国",
                    "requirements": "—",
                    "opens_on": date.today(),
                    "is_published": True,
                },
            )[0]
            for i in range(5)
        ]
        rng = random.Random(7)
        provinces = ["浙江省", "江苏省", "河南省", "上海市", "广东省", "山东省"]
        states = [s for s in State]
        now = timezone.now()
        rows = []
        for i in range(N):
            body = f"91330106MA{i:07d}"
            state = states[i % len(states)]
            rows.append(
                Application(
                    tenant=tenant,
                    campaign=campaigns[i % 5],
                    state=state,
                    state_changed_at=now - timedelta(days=rng.randint(0, 60)),
                    due_on=date.today() + timedelta(days=rng.randint(-5, 10)),
                    owner=manager,
                    company_name=f"基准测试公司{i:05d}有限公司",
                    credit_code=body + credit_code_check_char(body),
                    legal_representative="王磊",
                    registered_capital=Decimal("1000000"),
                    established_on=date(2015, 1, 1),
                    registered_address="某省某市某路 1 号",
                    contact_name="王磊",
                    contact_phone="13800000000",
                    contact_email=f"bench{i}@example.com",
                    employee_count=20,
                    operating_status="经营稳定",
                    sales_capability="覆盖本地",
                    team_size=20,
                    channel_type="distributor" if i % 2 else "agent",
                    province=provinces[i % len(provinces)],
                    city="某市",
                    cooperation_plan="发展网点",
                )
            )
        Application.objects.bulk_create(rows, batch_size=1000)


def main():
    setup_django()
    from django.test import Client

    from channelhub.models import Membership, Tenant, User
    from channelhub.roles import Role
    from channelhub.tenancy import tenant_context
    from onboarding.models import Application, Contract, ContractTemplate
    from onboarding.services.contracts import render_contract_pdf

    tenant, _ = Tenant.objects.get_or_create(slug="bench-onboarding", defaults={"name": "基准测试租户"})
    manager = User.objects.filter(email="bench-manager@example.com").first() or User.objects.create_user(
        email="bench-manager@example.com", password="Bench-password-2026", full_name="基准经理"
    )
    with tenant_context(tenant):
        Membership.objects.get_or_create(user=manager, defaults={"role": Role.CHANNEL_MANAGER})
    load(tenant, manager)
    client = Client()
    client.force_login(manager)
    base = "/t/bench-onboarding/onboarding/"
    rows = [
        measure(client, base),
        measure(client, base + "?page=40"),
        measure(client, base + "?state=site_inspection"),
        measure(client, base + "?state=all&province=河南省"),
        measure(client, base + "?channel_type=agent&owner=" + str(manager.pk)),
        measure(client, base + "?q=0123"),
    ]
    ok = report(f"Admission board, {N} applications in one tenant", rows)
    export = measure(client, base + "export.xlsx?state=all", runs=5, warmup=1)
    print(f"\nExcel export of all {N} rows: median {export['median_ms']} ms, queries {export['queries']}")

    with tenant_context(tenant):
        app = Application.objects.first()
        template = ContractTemplate.objects.get(is_current=True)
        contract = Contract(
            number="RW-BENCH-01",
            version=1,
            territory="浙江省 杭州市",
            is_exclusive=True,
            valid_from=date.today(),
            valid_until=date.today() + timedelta(days=364),
            deposit=Decimal("50000"),
            price_terms="执行统一价格表",
            settlement_terms="按月结算",
        )
        render_contract_pdf(tenant=tenant, application=app, contract=contract, template=template)  # warm-up
        timings = []
        for _ in range(20):
            started = time.perf_counter()
            pdf = render_contract_pdf(tenant=tenant, application=app, contract=contract, template=template)
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"Contract PDF (WeasyPrint, Noto Sans CJK SC, {len(pdf) // 1024} KB): "
        f"median of 20 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms"
    )
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if main() else 1)
