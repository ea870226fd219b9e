"""Demo data: two tenants from the seeds, a user for every role in each.

Idempotent: everything is looked up by a natural key (slug, e-mail, credit code)
before it is created, so running it again changes nothing.
"""

from django.db import transaction

from channelhub.mail import no_email
from channelhub.models import Membership, Tenant, User
from channelhub.roles import PARTNER_ROLES, Role
from channelhub.tenancy import tenant_context, unscoped
from filings.demo import load_filings_demo
from onboarding import demo as onboarding_demo
from partners.demo import load_partner_demo_for
from partners.models import ChannelType, Partner

DEMO_PASSWORD = "ChannelHub-2026"

TENANTS = [
    {
        "slug": "xingchi",
        "name": "星驰充电科技有限公司",
        "partners": [
            ("杭州驰远新能源设备有限公司", "91330106MA2H4K7X3J", ChannelType.DISTRIBUTOR),
            ("苏州易充电力工程有限公司", "91320508MA1Y8N2L6K", ChannelType.AGENT),
            ("宁波绿源充电服务有限公司", "91330203MA2J5P9W1P", ChannelType.FRANCHISE),
        ],
    },
    {
        "slug": "zhongyu",
        "name": "中豫通信河南省分公司",
        "partners": [
            ("郑州鑫联通讯器材有限公司", "91410105MA44R8TJ2X", ChannelType.COOPERATIVE_HALL),
            ("洛阳畅达手机连锁有限公司", "91410302MA47B3XK9U", ChannelType.EXCLUSIVE_STORE),
            ("开封万家通讯便利店", "92410202MA40D6U15C", ChannelType.CONCURRENT_STORE),
        ],
    },
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
    created = {"tenants": 0, "users": 0, "partners": 0}
    users_before = User.objects.count()
    with unscoped():
        partners_before = Partner.all_tenants.count()
    for spec in TENANTS:
        tenant, made = Tenant.objects.get_or_create(slug=spec["slug"], defaults={"name": spec["name"]})
        created["tenants"] += int(made)
        with tenant_context(tenant):
            partners = []
            for name, code, channel_type in spec["partners"]:
                partner, _ = Partner.objects.get_or_create(
                    credit_code=code, defaults={"name": name, "channel_type": channel_type}
                )
                partners.append(partner)
            for role, (login, full_name) in ROLE_LOGINS.items():
                user = _user(demo_email(login, spec["slug"]), full_name)
                Membership.objects.get_or_create(
                    user=user,
                    defaults={"role": role, "partner": partners[0] if role in PARTNER_ROLES else None},
                )
            consultant = _user(*MULTI_TENANT_USER)
            Membership.objects.get_or_create(user=consultant, defaults={"role": Role.CHANNEL_MANAGER})
            people = {
                login: _user(demo_email(login, spec["slug"]), name) for login, name in ROLE_LOGINS.values()
            }
            # The fuller registry (~60 partners with tiers, territories, contacts, documents).
            load_partner_demo_for(tenant)
            onboarding_demo.load(tenant, people, demo_partner=partners[0])
            # Filings of every kind and state, customer registrations with a conflict (seed 002);
            # real notifications in the inbox, but no e-mails to the demo people.
            with no_email():
                load_filings_demo(tenant)
    _user(PLATFORM_OPERATOR, "平台运维", is_staff=True, is_superuser=True)
    created["users"] = User.objects.count() - users_before
    with unscoped():
        created["partners"] = Partner.all_tenants.count() - partners_before
    return created
