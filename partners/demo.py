"""Demo partner registry: ~60 partners per demo tenant, with tiers, territories, contacts,
documents (some expiring soon), rewards and penalties, a few suspended or terminated.

``load_partner_demo()`` is idempotent — every row is keyed by a natural key (tier name,
region code, credit code; children only for partners created in this run), and the data
is generated from a fixed seed, so a second run creates nothing. It writes with
``bulk_create`` (a few dozen queries for the whole registry). Call it after
``channelhub.demo.load_demo()`` has made the tenants and their people.
"""

import random
import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from channelhub import periods
from channelhub.models import Activity, Membership, StoredFile, Tenant, User
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from partners.models import (
    ChannelType,
    CreditRating,
    DocumentKind,
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerStatus,
    Region,
    RegionLevel,
    RewardPenalty,
    Tier,
)
from partners.validators import CHARSET, credit_code_check_char

DEMO_PASSWORD = "ChannelHub-2026"
PARTNERS_PER_TENANT = 60

# province, city, [districts] with their administrative division codes (GB/T 2260).
XINGCHI_REGIONS = [
    ("330000", "浙江省", [
        ("330100", "杭州市", [("330106", "西湖区"), ("330108", "滨江区"), ("330109", "萧山区"), ("330110", "余杭区")]),
        ("330200", "宁波市", [("330203", "海曙区"), ("330206", "北仑区"), ("330212", "鄞州区")]),
        ("330300", "温州市", [("330302", "鹿城区"), ("330381", "瑞安市")]),
        ("330400", "嘉兴市", [("330402", "南湖区"), ("330481", "海宁市")]),
        ("330600", "绍兴市", [("330602", "越城区"), ("330603", "柯桥区")]),
        ("330700", "金华市", [("330702", "婺城区"), ("330782", "义乌市")]),
    ]),
    ("320000", "江苏省", [
        ("320100", "南京市", [("320102", "玄武区"), ("320106", "鼓楼区"), ("320115", "江宁区")]),
        ("320200", "无锡市", [("320213", "梁溪区"), ("320214", "新吴区")]),
        ("320400", "常州市", [("320411", "新北区"), ("320412", "武进区")]),
        ("320500", "苏州市", [("320508", "姑苏区"), ("320509", "吴江区"), ("320583", "昆山市")]),
        ("320600", "南通市", [("320613", "崇川区")]),
    ]),
    ("310000", "上海市", [
        ("310100", "上海市", [("310112", "闵行区"), ("310114", "嘉定区"), ("310115", "浦东新区")]),
    ]),
    ("340000", "安徽省", [
        ("340100", "合肥市", [("340104", "蜀山区"), ("340111", "包河区")]),
    ]),
]  # fmt: skip

ZHONGYU_REGIONS = [
    ("410000", "河南省", [
        ("410100", "郑州市", [("410102", "中原区"), ("410103", "二七区"), ("410104", "管城回族区"),
                              ("410105", "金水区"), ("410108", "惠济区"), ("410184", "新郑市")]),
        ("410200", "开封市", [("410202", "龙亭区"), ("410204", "鼓楼区"), ("410212", "祥符区")]),
        ("410300", "洛阳市", [("410302", "老城区"), ("410303", "西工区"), ("410305", "涧西区"), ("410311", "洛龙区")]),
        ("410400", "平顶山市", [("410402", "新华区")]),
        ("410500", "安阳市", [("410502", "文峰区"), ("410503", "北关区")]),
        ("410700", "新乡市", [("410702", "红旗区"), ("410703", "卫滨区")]),
        ("411000", "许昌市", [("411002", "魏都区"), ("411081", "禹州市")]),
        ("411300", "南阳市", [("411302", "宛城区"), ("411303", "卧龙区")]),
        ("411400", "商丘市", [("411402", "梁园区"), ("411403", "睢阳区")]),
        ("411500", "信阳市", [("411502", "浉河区")]),
        ("411600", "周口市", [("411602", "川汇区")]),
    ]),
]  # fmt: skip

SPECS = {
    "xingchi": {
        "regions": XINGCHI_REGIONS,
        "tiers": [
            ("战略合作伙伴", 1, "年销量千台以上，区域独家"),
            ("金牌渠道", 2, ""),
            ("银牌渠道", 3, ""),
            ("铜牌渠道", 4, "新签约一年内"),
        ],  # fmt: skip
        "types": [
            (ChannelType.DISTRIBUTOR, 5),
            (ChannelType.AGENT, 4),
            (ChannelType.FRANCHISE, 3),
            (ChannelType.ONLINE, 1),
        ],  # fmt: skip
        "brands": [
            "驰远",
            "易充",
            "绿源",
            "恒通",
            "博远",
            "星途",
            "瑞丰",
            "启航",
            "德润",
            "泽众",
            "新禾",
            "远拓",
            "睿驰",
            "嘉电",
            "华跃",
            "中锐",
            "安驰",
            "沃能",
            "天行",
            "云充",
            "骏达",
            "联创",
            "同舟",
            "海纳",
        ],  # fmt: skip
        "trades": [
            "新能源科技有限公司",
            "充电设备有限公司",
            "电力工程有限公司",
            "智能科技有限公司",
            "能源服务有限公司",
            "新能源汽车服务有限公司",
        ],  # fmt: skip
        "store_trades": ["充电服务有限公司", "新能源科技有限公司"],
        "industry_licence": "承装（修、试）电力设施许可证",
        "managers": [("manager2", "周建军"), ("manager3", "黄海涛")],
        "roads": [
            "文三路",
            "江南大道",
            "解放路",
            "人民路",
            "中山北路",
            "建设路",
            "长江路",
            "湖滨路",
            "科技大道",
        ],
    },
    "zhongyu": {
        "regions": ZHONGYU_REGIONS,
        "tiers": [("一级渠道", 1, "星级评定五星"), ("二级渠道", 2, "星级评定三至四星"), ("三级渠道", 3, "")],
        "types": [
            (ChannelType.COOPERATIVE_HALL, 4),
            (ChannelType.EXCLUSIVE_STORE, 4),
            (ChannelType.CONCURRENT_STORE, 4),
            (ChannelType.AGENT, 2),
            (ChannelType.ONLINE, 1),
        ],  # fmt: skip
        "brands": [
            "鑫联",
            "畅达",
            "万家",
            "中原",
            "豫通",
            "联信",
            "嘉讯",
            "华通",
            "天翼",
            "恒信",
            "金盛",
            "鼎新",
            "汇通",
            "康达",
            "宏图",
            "致远",
            "安信",
            "永兴",
            "通达",
            "瑞祥",
            "聚源",
            "新时代",
            "东方",
            "百顺",
        ],  # fmt: skip
        "trades": [
            "通讯器材有限公司",
            "通信技术有限公司",
            "手机连锁有限公司",
            "电子科技有限公司",
            "通讯服务有限公司",
        ],
        "store_trades": ["通讯便利店", "手机通讯店", "通讯营业部"],
        "industry_licence": "增值电信业务经营许可证",
        "managers": [("manager2", "马俊峰"), ("manager3", "郭晓燕")],
        "roads": ["花园路", "农业路", "经三路", "中原路", "建设路", "人民路", "解放路", "文化路", "金水路"],
    },
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建华", "志强", "海燕", "文博", "晓东", "红梅", "国庆", "春生", "建平", "丽萍"]  # fmt: skip
POSITIONS = ["总经理", "销售经理", "财务负责人", "技术主管", "门店店长", "运营经理"]
BANKS = [
    "中国工商银行",
    "中国建设银行",
    "中国农业银行",
    "中国银行",
    "交通银行",
    "招商银行",
    "浙商银行",
    "中原银行",
]

SUSPENSION_REASONS = [
    "连续两个季度未完成销售目标，暂停合作待整改。",
    "存在低于指导价销售的违规行为，暂停业务接入。",
    "客户投诉处理不及时，服务质量未达标，暂停合作。",
    "资质证书过期未更新，暂停业务直至补充材料。",
]
TERMINATION_REASONS = [
    "严重违反合作协议，经公司管理层决定终止合作。",
    "渠道商申请退出合作，双方协商一致终止。",
]

# A tiny valid PDF standing in for a scanned licence.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 52>>stream\nBT /F1 24 Tf 72 760 Td (ChannelHub demo document) Tj ET\nendstream\nendobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit code's alphabet


def org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its own check character."""
    body = "MA" + "".join(rng.choice(ORG_CHARS) for _ in range(6))
    total = sum(int(char, 36) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, division: str, *, individual: bool = False) -> str:
    """A unified social credit code: 91 (company) or 92 (individual business), the registering
    division, the organisation code and the check character."""
    body = ("92" if individual else "91") + division + org_code(rng)
    assert all(char in CHARSET for char in body)
    return body + credit_code_check_char(body)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def load_partner_demo() -> dict:
    """Fill both demo tenants' registries; returns what was created (all zeros on a re-run)."""
    created = {"tiers": 0, "regions": 0, "partners": 0, "users": 0}
    for slug, spec in SPECS.items():
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue  # load_demo() makes the tenants
        with tenant_context(tenant), transaction.atomic():
            counts = _load_tenant(tenant, spec)
        for key, value in counts.items():
            created[key] += value
    return created


# Each demo tenant's first partners (the first holds the demo partner users): name, code, type.
SEED_PARTNERS = {
    "xingchi": [
        ("杭州驰远新能源设备有限公司", "91330106MA2H4K7X3J", ChannelType.DISTRIBUTOR),
        ("苏州易充电力工程有限公司", "91320508MA1Y8N2L6K", ChannelType.AGENT),
        ("宁波绿源充电服务有限公司", "91330203MA2J5P9W1P", ChannelType.FRANCHISE),
    ],
    "zhongyu": [
        ("郑州鑫联通讯器材有限公司", "91410105MA44R8TJ2X", ChannelType.COOPERATIVE_HALL),
        ("洛阳畅达手机连锁有限公司", "91410302MA47B3XK9U", ChannelType.EXCLUSIVE_STORE),
        ("开封万家通讯便利店", "92410202MA40D6U15C", ChannelType.CONCURRENT_STORE),
    ],
}


def load_for_demo_tenant(context) -> None:
    """The demo loader (channelhub.modules): the seed partners, the partner users' memberships
    in the first of them, then the fuller registry. Leaves ``shared["demo_partner"]``."""
    from channelhub.demo import ROLE_LOGINS
    from channelhub.roles import PARTNER_ROLES

    tenant = context.tenant
    partners = [
        Partner.objects.get_or_create(
            credit_code=code, defaults={"name": name, "channel_type": channel_type}
        )[0]
        for name, code, channel_type in SEED_PARTNERS.get(tenant.slug, [])
    ]
    if not partners:
        return
    for role, (login, _name) in ROLE_LOGINS.items():
        if role in PARTNER_ROLES:
            Membership.objects.get_or_create(
                user=context.people[login], defaults={"role": role, "partner": partners[0]}
            )
    context.shared["demo_partner"] = partners[0]
    load_partner_demo_for(tenant)


def load_partner_demo_for(tenant) -> dict:
    """One demo tenant's registry (load_demo() calls it before the filings that use it)."""
    spec = SPECS.get(tenant.slug)
    if spec is None:
        return {}
    with tenant_context(tenant), transaction.atomic():
        return _load_tenant(tenant, spec)


def _load_tenant(tenant, spec) -> dict:
    rng = random.Random(f"channelhub-partners-{tenant.slug}")  # the same data on every run
    counts = {"users": 0}
    managers = _managers(tenant, spec, counts)
    tiers, counts["tiers"] = _tiers(tenant, spec)
    districts, counts["regions"] = _regions(tenant, spec)
    existing = {partner.credit_code: partner for partner in Partner.objects.all()}
    plans = _plan_partners(rng, tenant, spec, tiers, districts, managers)
    new = [plan for plan in plans if plan["partner"].credit_code not in existing]
    partners = Partner.objects.bulk_create([plan["partner"] for plan in new])
    counts["partners"] = len(partners)
    for plan, partner in zip(new, partners, strict=True):
        plan["partner"] = partner
    # load_demo()'s own few partners have a name and a type only: complete them once.
    bare = [
        plan
        for plan in plans
        if existing.get(plan["partner"].credit_code) and _is_bare(existing[plan["partner"].credit_code])
    ]
    for plan in bare:
        stored = existing[plan["partner"].credit_code]
        for field in FILLED_FIELDS:
            setattr(stored, field, getattr(plan["partner"], field))
        plan["partner"] = stored
    Partner.objects.bulk_update([plan["partner"] for plan in bare], FILLED_FIELDS)
    if new or bare:
        _children(rng, tenant, spec, new + bare, managers)
    return counts


FILLED_FIELDS = [
    "legal_representative", "registered_capital", "address", "tier", "region", "exclusive_territory", "owner",
    "bank_name", "bank_account_name", "bank_account_number", "credit_limit", "credit_rating",
]  # fmt: skip


def _is_bare(partner) -> bool:
    return partner.region_id is None and partner.owner_id is None and not partner.legal_representative


def _managers(tenant, spec, counts) -> list:
    """The tenant's channel managers: load_demo()'s manager, plus two more for a spread portfolio."""
    from channelhub.demo import demo_email

    for login, full_name in spec["managers"]:
        email = demo_email(login, tenant.slug)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
            counts["users"] += 1
        Membership.objects.get_or_create(user=user, defaults={"role": Role.CHANNEL_MANAGER})
    memberships = Membership.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).select_related("user")
    users = sorted((m.user for m in memberships), key=lambda u: u.email)
    main = [u for u in users if u.email == demo_email("manager", tenant.slug)]
    # The demo log-in manager owns the biggest portfolio.
    return main * 3 + [u for u in users if u not in main] if main else users


def _tiers(tenant, spec):
    have = {tier.name: tier for tier in Tier.objects.all()}
    missing = [
        Tier(tenant=tenant, name=name, rank=rank, description=text)
        for name, rank, text in spec["tiers"]
        if name not in have
    ]
    Tier.objects.bulk_create(missing)
    have = {tier.name: tier for tier in Tier.objects.all()}
    return [have[name] for name, _rank, _text in spec["tiers"]], len(missing)


def _regions(tenant, spec):
    """Create the missing regions level by level; returns the districts (with parents loaded)."""
    made = 0
    by_code = {region.code: region for region in Region.objects.exclude(code="")}
    for level, rows in enumerate(_region_levels(spec["regions"]), start=1):
        missing = [
            Region(tenant=tenant, code=code, name=name, level=level, parent=by_code.get(parent))
            for code, name, parent in rows
            if code not in by_code
        ]
        Region.objects.bulk_create(missing)  # save() is skipped, so level is set above
        made += len(missing)
        by_code = {region.code: region for region in Region.objects.exclude(code="").select_related("parent")}
    districts = [
        region
        for region in Region.objects.filter(level=RegionLevel.DISTRICT).select_related("parent__parent")
        if region.code in {code for code, _n, _p in _region_levels(spec["regions"])[2]}
    ]
    return sorted(districts, key=lambda region: region.code), made


def _region_levels(tree):
    provinces, cities, districts = [], [], []
    for province_code, province, city_rows in tree:
        provinces.append((province_code, province, None))
        for city_code, city, district_rows in city_rows:
            cities.append((city_code, city, province_code))
            for district_code, district in district_rows:
                districts.append((district_code, district, city_code))
    return [provinces, cities, districts]


def _weighted(rng, pairs):
    return rng.choices([value for value, _w in pairs], weights=[weight for _v, weight in pairs])[0]


def _plan_partners(rng, tenant, spec, tiers, districts, managers) -> list[dict]:
    """Deterministic partners; the first three are load_demo()'s (same codes, kept as they are)."""
    base = SEED_PARTNERS[tenant.slug]
    names_used, codes_used, plans = set(), set(), []
    taken: dict = {}  # (channel type, district id) -> count, for the exclusive-territory rule
    for index in range(PARTNERS_PER_TENANT):
        # One generator per partner: its identity (district, name, code) is drawn first, so
        # tweaking the other values never changes who the demo partners are.
        rng = random.Random(f"channelhub-partners-{tenant.slug}-{index}")
        district = districts[(index * 7 + rng.randrange(len(districts))) % len(districts)]
        if index < len(base):
            name, code, channel_type = base[index]
            # Where its credit code says it was registered, when that district is in the tree.
            district = next((d for d in districts if d.code == code[2:8]), district)
            city, province = district.parent, district.parent.parent
        else:
            city, province = district.parent, district.parent.parent
            channel_type = _weighted(rng, spec["types"])
            store = channel_type in (ChannelType.CONCURRENT_STORE, ChannelType.EXCLUSIVE_STORE)
            individual = channel_type == ChannelType.CONCURRENT_STORE
            while True:
                city_short = city.name.rstrip("市") if city.name != "上海市" else "上海"
                trade = rng.choice(
                    spec["store_trades"] if individual or (store and rng.random() < 0.4) else spec["trades"]
                )
                name = f"{city_short}{rng.choice(spec['brands'])}{trade}"
                if name not in names_used:
                    break
            code = make_credit_code(rng, district.code, individual=individual)
            while code in codes_used:
                code = make_credit_code(rng, district.code, individual=individual)
        names_used.add(name)
        codes_used.add(code)
        # Some suspended, a few terminated, spread through the list (never load_demo()'s own).
        status, reason, changed = PartnerStatus.ACTIVE, "", None
        if index >= len(base) and index % 11 == 5:
            status, reason = PartnerStatus.SUSPENDED, rng.choice(SUSPENSION_REASONS)
        elif index >= len(base) and index % 23 == 9:
            status, reason = PartnerStatus.TERMINATED, rng.choice(TERMINATION_REASONS)
        if status != PartnerStatus.ACTIVE:
            changed = timezone.now() - timedelta(days=rng.randint(3, 60))
        capital = Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000, 2000, 5000])) * 10000
        legal = _person(rng)
        partner = Partner(
            tenant=tenant,
            name=name,
            credit_code=code,
            legal_representative=legal,
            registered_capital=capital if channel_type != ChannelType.CONCURRENT_STORE else Decimal(100000),
            address=f"{province.name if province.name != city.name else ''}{city.name}{district.name}"
            f"{rng.choice(spec['roads'])}{rng.randint(1, 399)}号",
            channel_type=channel_type,
            tier=tiers[min(len(tiers) - 1, int(rng.triangular(0, len(tiers), len(tiers) - 1)))],
            region=district,
            owner=managers[index % len(managers)],
            bank_name=f"{rng.choice(BANKS)}{city.name.rstrip('市')}{district.name[:2]}支行",
            bank_account_name=name,
            bank_account_number="".join(str(rng.randint(0, 9)) for _ in range(19)),
            credit_limit=Decimal(
                rng.choice(
                    [2, 3, 5, 8]
                    if channel_type == ChannelType.CONCURRENT_STORE
                    else [10, 20, 30, 50, 80, 100, 200, 300, 500]
                )
            )
            * 10000,
            credit_rating=_weighted(
                rng,
                [
                    (CreditRating.AAA, 2),
                    (CreditRating.AA, 4),
                    (CreditRating.A, 4),
                    (CreditRating.B, 2),
                    (CreditRating.C, 1),
                ],
            ),  # fmt: skip
            status=status,
            status_reason=reason,
            status_changed_at=changed,
        )
        plans.append({"partner": partner, "index": index})
        taken[(channel_type, district.pk)] = taken.get((channel_type, district.pk), 0) + 1
    rng = random.Random(f"channelhub-partners-{tenant.slug}-exclusive")
    # Exclusive rights where no other partner of the type works in the same district (every
    # demo partner sits at district level, so that is the whole overlap).
    for plan in plans:
        partner = plan["partner"]
        if partner.status == PartnerStatus.TERMINATED:
            continue
        if partner.channel_type in (ChannelType.DISTRIBUTOR, ChannelType.AGENT, ChannelType.COOPERATIVE_HALL):
            if taken[(partner.channel_type, partner.region.pk)] == 1 and rng.random() < 0.35:
                partner.exclusive_territory = True
    return plans


def _children(rng, tenant, spec, plans, managers) -> None:
    """Contacts, documents (with files), rewards and penalties and the timeline of new partners."""
    today = periods.today(tenant)
    partner_type = ContentType.objects.get_for_model(Partner)
    contacts, stored, documents, records, activities = [], [], [], [], []
    for plan in plans:
        partner, index = plan["partner"], plan["index"]
        for number in range(1 + index % 3):
            name = _person(rng)
            if any(c.partner_id == partner.pk and c.name == name for c in contacts):
                continue
            prefix = f"1{rng.choice('3578')}{rng.randint(0, 9)}"
            if prefix in ("154", "174", "179"):  # no mobile network uses these: the form would refuse them
                prefix = prefix[:2] + "8"
            contacts.append(
                PartnerContact(
                    tenant=tenant,
                    partner=partner,
                    name=name,
                    position=POSITIONS[number % len(POSITIONS)] if number else "总经理",
                    mobile=f"{prefix}{rng.randint(10000000, 99999999)}",
                    email=f"contact{index}-{number}@example.cn",
                    is_primary=number == 0,
                )
            )
        # The business licence (long term), and for most an industry licence with a validity.
        docs = [
            (
                DocumentKind.BUSINESS_LICENCE,
                partner.credit_code,
                today - timedelta(days=rng.randint(400, 3000)),
                None,
            )
        ]
        if index % 4 != 3:
            if index % 9 == 2:
                expires = today + timedelta(days=rng.randint(5, 28))  # expiring soon
            elif index % 17 == 4:
                expires = today - timedelta(days=rng.randint(3, 40))  # expired
            else:
                expires = today + timedelta(days=rng.randint(120, 1000))
            docs.append(
                (
                    DocumentKind.INDUSTRY_LICENCE,
                    f"{rng.randint(1, 9)}-{rng.randint(1, 5)}-{rng.randint(10000, 99999)}-{today.year - rng.randint(1, 4)}",
                    expires - timedelta(days=365 * 3),
                    expires,
                )
            )
        for kind, number, issued_on, expires_on in docs:
            name = f"t{tenant.pk}/demo/{uuid.UUID(int=rng.getrandbits(128)).hex}.pdf"
            if not default_storage.exists(name):
                name = default_storage.save(name, ContentFile(DEMO_PDF))
            label = "营业执照" if kind == DocumentKind.BUSINESS_LICENCE else spec["industry_licence"]
            file = StoredFile(
                tenant=tenant,
                content_type=partner_type,
                object_id=partner.pk,
                kind="qualification",
                file=name,
                original_name=f"{label}-{partner.name}.pdf",
                mime_type="application/pdf",
                size=len(DEMO_PDF),
                sha256="",
            )
            stored.append(file)
            documents.append(
                PartnerDocument(
                    tenant=tenant,
                    partner=partner,
                    kind=kind,
                    number=number,
                    issued_on=issued_on,
                    expires_on=expires_on,
                )
            )
        if index % 5 == 1:
            category = rng.choice(["cash", "certificate", "goods"])
            records.append(
                RewardPenalty(
                    tenant=tenant,
                    partner=partner,
                    kind="reward",
                    category=category,
                    amount=None if category == "certificate" else Decimal(rng.choice([5000, 10000, 20000])),
                    reason="季度销售目标超额完成，给予奖励。",
                    date=today - timedelta(days=rng.randint(10, 200)),
                    recorded_by=managers[0],
                )  # fmt: skip
            )
        if index % 7 == 3:
            category = rng.choice(["warning", "fine"])
            records.append(
                RewardPenalty(
                    tenant=tenant,
                    partner=partner,
                    kind="penalty",
                    category=category,
                    amount=Decimal(rng.choice([2000, 5000])) if category == "fine" else None,
                    reason="未按规定时间上报库存数据。",
                    date=today - timedelta(days=rng.randint(10, 200)),
                    recorded_by=managers[0],
                )  # fmt: skip
            )
        activities.append(
            Activity(
                tenant=tenant,
                content_type=partner_type,
                object_id=partner.pk,
                verb="partner.created",
                to_state=PartnerStatus.ACTIVE,
                comment="演示数据",
                via="import",
            )  # fmt: skip
        )
        if partner.status != PartnerStatus.ACTIVE:
            activities.append(
                Activity(
                    tenant=tenant,
                    content_type=partner_type,
                    object_id=partner.pk,
                    actor=partner.owner,
                    verb=f"partner.{partner.status}",
                    from_state=PartnerStatus.ACTIVE,
                    to_state=partner.status,
                    comment=partner.status_reason,
                    via="web",
                )  # fmt: skip
            )
    PartnerContact.objects.bulk_create(contacts)
    StoredFile.objects.bulk_create(stored)
    for document, file in zip(documents, stored, strict=True):
        document.file = file
    PartnerDocument.objects.bulk_create(documents)
    RewardPenalty.objects.bulk_create(records)
    Activity.objects.bulk_create(activities)
