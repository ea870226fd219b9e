"""Demo data: two tenants from the seeds, a user for every role in each.

Idempotent: everything is looked up by a natural key (slug, e-mail, credit code)
before it is created, so running it again changes nothing.
"""

from django.db import transaction

from channelhub import modules
from channelhub.models import Membership, Tenant, User
from channelhub.roles import PARTNER_ROLES, Role
from channelhub.tenancy import tenant_context, unscoped

DEMO_PASSWORD = "ChannelHub-2026"

# Each app's demo loader (registered with channelhub.modules) fills these tenants further;
# the partners app gives each its first partners, to which the partner users belong.
TENANTS = [
    {"slug": "xingchi", "name": "星驰充电科技有限公司"},
    {"slug": "zhongyu", "name": "中豫通信河南省分公司"},
]
ROLE_LOGINS = {
    Role.TENANT_ADMIN: ("admin", "王建国"),
    Role.CHANNEL_MANAGER: ("manager", "李晓峰"),
    Role.CHANNEL_SUPERVISOR: ("supervisor", "张丽华"),
    Role.EXECUTIVE: ("executive", "陈志强"),
    Role.CLERK: ("clerk", "刘敏"),
    Role.MARKETING: ("marketing", "赵雪"),
    Role.TECH_SUPPORT: ("techsupport", "孙浩"),
    Role.AFTER_SALES: ("aftersales", "周婷"),
    Role.FINANCE: ("finance", "吴静"),
    Role.PARTNER_ADMIN: ("partner-admin", "郑凯"),
    Role.PARTNER_STAFF: ("partner-staff", "何芳"),
}

MULTI_TENANT_USER = ("consultant@demo.channelhub.cn", "冯顾问")
PLATFORM_OPERATOR = "ops@demo.channelhub.cn"


def demo_email(login: str, slug: str) -> str:
    return f"{login}@{slug}.demo.channelhub.cn"


def _user(email: str, full_name: str, **extra) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name, **extra)
    return user


@transaction.atomic
def load_demo() -> dict:
    """Tenants, their people, then every app's demo loader in order; returns what was new."""
    counters = {"tenants": lambda: Tenant.objects.count(), "users": lambda: User.objects.count()}
    for loader in modules.DEMO_LOADERS:
        counters.update(loader.counts)
    with unscoped():
        before = {name: count() for name, count in counters.items()}
    for spec in TENANTS:
        tenant, _made = Tenant.objects.get_or_create(slug=spec["slug"], defaults={"name": spec["name"]})
        with tenant_context(tenant):
            people = {}
            for role, (login, full_name) in ROLE_LOGINS.items():
                people[login] = user = _user(demo_email(login, spec["slug"]), full_name)
                if role not in PARTNER_ROLES:  # the partners loader adds them to their partner
                    Membership.objects.get_or_create(user=user, defaults={"role": role})
            consultant = _user(*MULTI_TENANT_USER)
            Membership.objects.get_or_create(user=consultant, defaults={"role": Role.CHANNEL_MANAGER})
            context = modules.DemoContext(tenant=tenant, people=people)
            for loader in modules.DEMO_LOADERS:
                loader.load(context)
    _user(PLATFORM_OPERATOR, "平台运维", is_staff=True, is_superuser=True)
    with unscoped():
        return {name: count() - before[name] for name, count in counters.items()}
