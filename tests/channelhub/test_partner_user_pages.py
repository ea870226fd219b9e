"""A partner user sees nothing of another partner: no name in any page, dropdown or download.

Partner A and partner B work in the same tenant, each with filings, customer registrations
(one customer registered by both, so there are conflicts either way round), an admission
application, a training checklist, documents and contacts. A partner admin and a partner
staff user of A open every tenant URL their role may open (walking the URL resolver, like
tests/channelhub/test_isolation.py, filling ``pk`` with A's own objects) and then every
link on the pages they get; no response may name partner B, its people or the customers
only B registered. URLs that later apps add are walked too: a new model behind a URL the
partner roles may open must be given one of A's objects in ``own_objects`` below.
"""

import html
import re
from collections import deque
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType

from channelhub import roles
from channelhub.models import Invitation, Membership, Notification, StoredFile
from channelhub.roles import Role
from channelhub.tenancy import tenant_context
from filings import customers
from filings.models import CustomerRegistration, Filing, FilingKind, FilingState
from onboarding.models import Application, TrainingTask
from orders.models import InventoryImport, InventoryReport, Order, Product, Shipment, StockPosition
from partners.models import Partner, PartnerContact, PartnerDocument
from tests.channelhub.pages import parse
from tests.channelhub.urlwalk import fill, tenant_endpoints
from tests.factories import (
    ApplicationFactory,
    InvitationFactory,
    MembershipFactory,
    NotificationFactory,
    PartnerContactFactory,
    PartnerDocumentFactory,
    PartnerFactory,
    TrainingTaskFactory,
    UserFactory,
)
from tests.filings.factories import FilingFactory
from tests.orders.factories import (
    OrderFactory,
    ProductFactory,
    _inventory_import_for,
    _position_for,
    _report_for,
    _shipment_for,
)

pytestmark = pytest.mark.django_db

B_NAME = "宁波乙方竞争渠道有限公司"
B_PEOPLE = ["乙方管理员孙悟空", "乙方员工猪八戒"]
B_ONLY_CUSTOMER = "乙方独家客户宁波港务有限公司"
SHARED_CUSTOMER = "郑州共同客户新能源有限公司"  # registered by both: A first
B_FIRST_CUSTOMER = "洛阳先到客户物流有限公司"  # registered by both: B first
MAX_PAGES = 400


def _filing(tenant, partner, by, *, state=FilingState.DRAFT, kind=FilingKind.CHANGE, **extra):
    return FilingFactory(
        tenant=tenant,
        partner=partner,
        kind=kind,
        state=state,
        created_by=by,
        filed_by_partner=True,
        reason=f"{partner.name}的业务调整",
        **extra,
    )


def _partner_world(tenant, partner, admin, staff, *, record_seq):
    """Everything a partner leaves behind in the portal."""
    _filing(tenant, partner, admin)
    _filing(tenant, partner, admin, state=FilingState.SUBMITTED)
    _filing(
        tenant,
        partner,
        admin,
        state=FilingState.RECORDED,
        record_year=2026,
        record_seq=record_seq,
        record_number=f"BA-2026-{record_seq:04d}",
    )
    _filing(tenant, partner, admin, kind=FilingKind.TERMINATION, proposed={}, impact="客户移交")
    ApplicationFactory(
        tenant=tenant, company_name=partner.name, credit_code=partner.credit_code, partner=partner
    )
    for title in ("企业文化", "产品知识"):
        TrainingTaskFactory(tenant=tenant, partner=partner, title=title, responsible_role=Role.TECH_SUPPORT)
    PartnerDocumentFactory(tenant=tenant, partner=partner)
    PartnerContactFactory(tenant=tenant, partner=partner, name=f"{admin.full_name}联系人")
    for user in (admin, staff):
        NotificationFactory(tenant=tenant, recipient=user, title=f"{partner.name}的通知")
    InvitationFactory(
        tenant=tenant, role=Role.PARTNER_STAFF, partner=partner, email=f"new{record_seq}@example.com"
    )


def _register(tenant, partner, by, name, phone):
    with tenant_context(tenant):
        return customers.register_customer(
            partner=partner,
            by=by,
            data={
                "customer_name": name,
                "contact_phone": phone,
                "region": "河南省郑州市",
                "products": "充电桩",
            },
        )


@pytest.fixture
def world(alpha, alpha_partner):
    a, b = alpha_partner, PartnerFactory(tenant=alpha, name=B_NAME)
    a_admin = MembershipFactory(tenant=alpha, role=Role.PARTNER_ADMIN, partner=a).user
    a_staff = MembershipFactory(tenant=alpha, role=Role.PARTNER_STAFF, partner=a).user
    b_admin = MembershipFactory(
        tenant=alpha, role=Role.PARTNER_ADMIN, partner=b, user=UserFactory(full_name=B_PEOPLE[0])
    ).user
    b_staff = MembershipFactory(
        tenant=alpha, role=Role.PARTNER_STAFF, partner=b, user=UserFactory(full_name=B_PEOPLE[1])
    ).user
    # Staff who act on both partners' records.
    MembershipFactory(tenant=alpha, role=Role.CHANNEL_MANAGER)
    OrderFactory(tenant=alpha, partner=b)  # B's order must never show on A's pages
    _partner_world(alpha, a, a_admin, a_staff, record_seq=1)
    _partner_world(alpha, b, b_admin, b_staff, record_seq=2)
    _register(alpha, a, a_admin, "杭州甲方客户有限公司", "13900000001")
    _register(alpha, b, b_admin, B_ONLY_CUSTOMER, "13900000002")
    _register(alpha, a, a_staff, SHARED_CUSTOMER, "13900000003")
    _register(alpha, b, b_staff, SHARED_CUSTOMER, "13900000003")  # conflict with A's
    _register(alpha, b, b_admin, B_FIRST_CUSTOMER, "13900000004")
    _register(alpha, a, a_admin, B_FIRST_CUSTOMER, "13900000004")  # A's conflicts with B's
    return {"a": a, "b": b, Role.PARTNER_ADMIN: a_admin, Role.PARTNER_STAFF: a_staff}


def own_objects(tenant, partner, user) -> dict:
    """The objects of partner A (and of its user) that a URL's ``pk`` may be filled with."""
    with tenant_context(tenant):
        files = list(
            StoredFile.objects.filter(
                content_type=ContentType.objects.get_for_model(Partner), object_id=partner.pk
            )
        )
        return {
            Partner: [partner],
            Filing: list(Filing.objects.filter(partner=partner)),
            CustomerRegistration: list(CustomerRegistration.objects.filter(partner=partner)),
            TrainingTask: list(TrainingTask.objects.filter(partner=partner)),
            Notification: list(Notification.objects.filter(recipient=user)),
            StoredFile: files,
            PartnerDocument: list(PartnerDocument.objects.filter(partner=partner)),
            PartnerContact: list(PartnerContact.objects.filter(partner=partner)),
            Application: list(Application.objects.filter(partner=partner)),
            # A partner admin manages its own partner's people (channelhub/views/members.py).
            Membership: list(Membership.objects.filter(partner=partner)),
            Invitation: list(Invitation.objects.filter(partner=partner)),
            # the catalogue is the tenant's, the same for every partner (active products only)
            Product: [ProductFactory(tenant=tenant, name="甲乙共用的产品")],
            Order: [OrderFactory(tenant=tenant, partner=partner)],
            Shipment: [_shipment_for(tenant, Membership.objects.get(user=user))],
            InventoryReport: [_report_for(tenant, Membership.objects.get(user=user))],
            StockPosition: [_position_for(tenant, Membership.objects.get(user=user))],
            InventoryImport: [_inventory_import_for(tenant, Membership.objects.get(user=user))],
        }


def start_paths(role, tenant, partner, user) -> list[str]:
    """Every tenant URL this role may open, with A's objects in it."""
    objects = own_objects(tenant, partner, user)
    paths = []
    for endpoint in tenant_endpoints():
        rule = endpoint.access_rule
        if rule is None or rule.kind != "tenant" or not roles.can(role, rule.permission):
            continue
        if not endpoint.object_kwargs:
            paths.append(fill(endpoint, tenant_slug=tenant.slug))
            continue
        if endpoint.object_kwargs != ("pk",) or rule.model is None:
            pytest.fail(f"{endpoint.label}: teach tests/channelhub/test_partner_user_pages.py to fill it")
        if rule.model not in objects:
            pytest.fail(f"{endpoint.label}: add partner A's {rule.model.__name__} rows to own_objects()")
        mine = objects[rule.model]
        assert mine, f"{endpoint.label}: the world has no {rule.model.__name__} of partner A"
        paths += [fill(endpoint, tenant_slug=tenant.slug, pk=obj.pk) for obj in mine]
    return paths


_HREF = re.compile(r"""(?:href|action|hx-get)\s*=\s*["']([^"']+)["']""")


def text_of(response) -> tuple[str, str]:
    """(kind, text) of a response, read the way its reader would: PDFs and workbooks opened."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0]
    if kind == "application/pdf":
        from pypdf import PdfReader

        try:
            return kind, "".join(page.extract_text() or "" for page in PdfReader(BytesIO(content)).pages)
        except Exception:  # a stand-in upload, not a real PDF: search its bytes
            return kind, content.decode("utf-8", "ignore")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(BytesIO(content))
        return kind, "\n".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    return kind, content.decode("utf-8", "ignore")


def links_in(body: str, prefix: str, here: str) -> list[str]:
    """The page's links, and its GET forms (filters, the partner pick) sent with each choice of
    each dropdown in turn."""
    found = []
    for raw in _HREF.findall(body):
        path = html.unescape(raw).split("#")[0]
        if path.startswith(prefix):
            found.append(path)
    for form in parse(body).forms:
        if form["method"] != "get":
            continue
        action = html.unescape(form["action"]) or here.split("?")[0]
        if not action.startswith(prefix):
            continue
        for name, options in form["options"].items():
            found += [f"{action}?{urlencode({name: value})}" for value in options if value]
    return found


@pytest.mark.parametrize("role", [Role.PARTNER_ADMIN, Role.PARTNER_STAFF])
def test_a_partner_user_never_sees_another_partners_name(role, world, alpha, client_as):
    user, a = world[role], world["a"]
    client = client_as(user)
    prefix = f"/t/{alpha.slug}/"
    queue = deque(start_paths(role, alpha, a, user))
    seen, opened, leaks = set(queue), {}, []
    while queue and len(opened) < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        kind, body = text_of(response)
        opened[path] = response.status_code
        for secret in (B_NAME, *B_PEOPLE, B_ONLY_CUSTOMER):
            if secret in body:
                where = body.index(secret)
                leaks.append(
                    f"{path} ({response.status_code}) shows {secret!r}: …{body[max(0, where - 160) : where + 40]}…"
                )
        follow = links_in(body, prefix, path) if kind == "text/html" else []
        if response.status_code in (301, 302) and response["Location"].startswith(prefix):
            follow.append(response["Location"])
        for link in follow:
            if link not in seen:
                seen.add(link)
                queue.append(link)
    assert not leaks, "\n".join(leaks)

    # The walk did reach the pages that list partners and their records.
    reached = {path.split("?")[0] for path, status in opened.items() if status == 200}
    for page in ("filings/", "filings/customers/", "onboarding/training/", "partners/", "inbox/"):
        assert prefix + page in reached, f"{page} was not opened: {sorted(reached)}"
    if role == Role.PARTNER_ADMIN:
        assert prefix + "filings/customers/new/" in reached and prefix + "filings/new/change/" in reached
    assert any(f"partners/{a.pk}/profile.pdf" in path for path in reached)
    if role == Role.PARTNER_ADMIN:  # the change form of their own partner, reached through the pick
        assert f"{prefix}filings/new/change/?partner={a.pk}" in opened
    register = client.get(prefix + "filings/").content.decode()
    assert a.name in register  # the control: the names are there to be found


def test_the_register_filter_offers_staff_every_partner_and_partner_users_none(
    world, alpha, member, client_as
):
    """The register's partner filter: a manager picks among the tenant's partners (a searchable
    picker that asks partners:pick as one types); a partner user has nothing to pick (their own
    partner's filings are all they see)."""
    manager = client_as(member(Role.CHANNEL_MANAGER))
    manager_page = manager.get("/t/alpha/filings/")
    assert any("partner" in f["options"] for f in parse(manager_page).forms)
    url = re.search(r'<select name="partner"[^>]*data-picker-url="([^"]+)"', manager_page.content.decode())
    offered = {row["value"] for row in manager.get(url.group(1).replace("&amp;", "&")).json()["results"]}
    assert {str(world["a"].pk), str(world["b"].pk)} <= offered
    for role in (Role.PARTNER_ADMIN, Role.PARTNER_STAFF):
        page = client_as(world[role]).get("/t/alpha/filings/")
        assert not any("partner" in f["options"] for f in parse(page).forms), role
        # Asking for B's filings through the URL shows nothing of B either.
        asked = client_as(world[role]).get(f"/t/alpha/filings/?partner={world['b'].pk}")
        assert B_NAME not in asked.content.decode()
