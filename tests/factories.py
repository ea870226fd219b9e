"""Factories for tests. Tenant-owned rows are created inside their tenant's context."""

import hashlib
import itertools
from datetime import date

import factory
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from channelhub import approvals
from channelhub.models import (
    ApprovalRequest,
    ApprovalStep,
    Invitation,
    Membership,
    Notification,
    StoredFile,
    Tenant,
    User,
)
from channelhub.roles import PARTNER_ROLES, Role
from channelhub.tenancy import tenant_context
from onboarding.models import Application, Campaign, TrainingTask
from partners.models import (
    ChannelType,
    DocumentKind,
    Partner,
    PartnerContact,
    PartnerDocument,
    PartnerImport,
    Region,
    RewardPenalty,
    Tier,
)

PASSWORD = "Test-password-2026"
_codes = itertools.count(1)


class TenantOwnedFactory(factory.django.DjangoModelFactory):
    """Creates the row with its tenant active, as the portal would."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        tenant = kwargs["tenant"]
        with tenant_context(tenant):
            return super()._create(model_class, *args, **kwargs)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"测试公司{n}")
    slug = factory.Sequence(lambda n: f"tenant-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def credit_code(seed: int) -> str:
    """A unified social credit code with a correct check digit (GB 32100-2015)."""
    from partners.validators import credit_code_check_char

    body = f"9133{seed:013d}"
    return body + credit_code_check_char(body)


class PartnerFactory(TenantOwnedFactory):
    class Meta:
        model = Partner

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"测试渠道商{n}有限公司")
    credit_code = factory.LazyFunction(lambda: credit_code(next(_codes)))
    channel_type = ChannelType.DISTRIBUTOR


class MembershipFactory(TenantOwnedFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.CHANNEL_MANAGER
    partner = factory.LazyAttribute(
        lambda o: PartnerFactory(tenant=o.tenant) if o.role in PARTNER_ROLES else None
    )


class InvitationFactory(TenantOwnedFactory):
    class Meta:
        model = Invitation

    tenant = factory.SubFactory(TenantFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.CHANNEL_MANAGER
    token_hash = factory.Sequence(lambda n: Invitation.hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(Invitation.default_expiry)


class NotificationFactory(TenantOwnedFactory):
    class Meta:
        model = Notification

    tenant = factory.SubFactory(TenantFactory)
    recipient = factory.SubFactory(UserFactory)
    kind = "general"
    title = factory.Sequence(lambda n: f"测试通知{n}")
    url = ""


class TierFactory(TenantOwnedFactory):
    class Meta:
        model = Tier

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"等级{n}")
    rank = factory.Sequence(lambda n: n)


class RegionFactory(TenantOwnedFactory):
    """A province, or a city/district when given a ``parent`` (in the same tenant)."""

    class Meta:
        model = Region

    tenant = factory.SubFactory(TenantFactory)
    parent = None
    name = factory.Sequence(lambda n: f"测试区域{n}")


class PartnerContactFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerContact

    tenant = factory.SubFactory(TenantFactory)
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")


class RewardPenaltyFactory(TenantOwnedFactory):
    class Meta:
        model = RewardPenalty

    tenant = factory.SubFactory(TenantFactory)
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    kind = "reward"
    category = "certificate"
    reason = "年度优秀渠道"
    date = factory.LazyFunction(date.today)
    recorded_by = factory.SubFactory(UserFactory)


# A do-nothing approval action for requests made by factories (real ones come from the apps).
FACTORY_APPROVAL_ACTION = approvals.register_action(
    approvals.ApprovalAction(key="tests.factory_noop", on_approved=lambda subject, request, by: None)
).key


class _OnSubject(TenantOwnedFactory):
    """Rows attached to a record through a generic relation (a partner unless ``subject`` is given)."""

    class Meta:
        abstract = True

    class Params:
        subject = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))

    tenant = factory.SubFactory(TenantFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.subject))
    object_id = factory.LazyAttribute(lambda o: o.subject.pk)


class ApprovalStepFactory(TenantOwnedFactory):
    class Meta:
        model = ApprovalStep

    tenant = factory.SelfAttribute("request.tenant")
    order = 1
    approver_role = Role.EXECUTIVE


class ApprovalRequestFactory(_OnSubject):
    class Meta:
        model = ApprovalRequest
        skip_postgeneration_save = True

    action = FACTORY_APPROVAL_ACTION
    title = factory.Sequence(lambda n: f"测试审批{n}")
    requested_by = factory.SubFactory(UserFactory)
    step = factory.RelatedFactory(ApprovalStepFactory, factory_related_name="request")


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class StoredFileFactory(_OnSubject):
    class Meta:
        model = StoredFile

    kind = "attachment"
    file = factory.django.FileField(filename="upload", data=PDF_BYTES)
    original_name = "营业执照.pdf"
    mime_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = hashlib.sha256(PDF_BYTES).hexdigest()


class PartnerDocumentFactory(TenantOwnedFactory):
    class Meta:
        model = PartnerDocument

    tenant = factory.SubFactory(TenantFactory)
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    kind = DocumentKind.BUSINESS_LICENCE
    file = factory.LazyAttribute(lambda o: StoredFileFactory(tenant=o.tenant, subject=o.partner))
    expires_on = None


class PartnerImportFactory(TenantOwnedFactory):
    """An uploaded workbook (``workbook=`` bytes; the empty template by default) waiting for
    confirmation, kept in private storage with the import as its subject."""

    class Meta:
        model = PartnerImport
        skip_postgeneration_save = True

    tenant = factory.SubFactory(TenantFactory)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def workbook(obj, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        from partners.importer import template_workbook

        with tenant_context(obj.tenant):  # the template names the tenant's tiers and regions
            data = extracted if extracted is not None else template_workbook()
        attach_workbook(obj, data, "渠道商导入.xlsx")


def attach_workbook(upload, data: bytes, name: str) -> None:
    """Keep ``data`` in private storage as the upload's file (an import is its subject)."""
    with tenant_context(upload.tenant):
        upload.file = StoredFileFactory(
            tenant=upload.tenant,
            subject=upload,
            file=ContentFile(data, name="upload"),
            original_name=name,
            mime_type=XLSX_TYPE,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        upload.save(update_fields=["file"])


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person(viewer, field):
    """``{field: viewer's user}`` so the object is the viewer's own, else nothing (a new user)."""
    return {field: viewer.user} if viewer is not None else {}


class CampaignFactory(TenantOwnedFactory):
    class Meta:
        model = Campaign

    tenant = factory.SubFactory(TenantFactory)
    title = factory.Sequence(lambda n: f"渠道招募{n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    channel_types = ["distributor", "agent"]
    regions = "浙江省"
    requirements = "具备独立法人资格"
    opens_on = factory.LazyFunction(date.today)
    is_published = True


class ApplicationFactory(TenantOwnedFactory):
    """An application as the public form leaves it (submitted)."""

    class Meta:
        model = Application

    tenant = factory.SubFactory(TenantFactory)
    campaign = factory.LazyAttribute(lambda o: CampaignFactory(tenant=o.tenant))
    company_name = factory.Sequence(lambda n: f"申请公司{n}有限公司")
    credit_code = factory.LazyFunction(lambda: credit_code(next(_codes)))
    legal_representative = "王磊"
    registered_capital = 1_000_000
    established_on = date(2018, 5, 1)
    registered_address = "浙江省杭州市西湖区文三路 1 号"
    contact_name = "王磊"
    contact_phone = "13800000000"
    contact_email = factory.Sequence(lambda n: f"applicant{n}@example.com")
    employee_count = 20
    operating_status = "经营稳定"
    sales_capability = "覆盖本地客户"
    team_size = 20
    channel_type = ChannelType.DISTRIBUTOR
    province = "浙江省"
    city = "杭州市"
    cooperation_plan = "首年发展 10 个网点"


class TrainingTaskFactory(TenantOwnedFactory):
    class Meta:
        model = TrainingTask

    tenant = factory.SubFactory(TenantFactory)
    partner = factory.LazyAttribute(lambda o: PartnerFactory(tenant=o.tenant))
    title = "产品知识"
    responsible_role = Role.TECH_SUPPORT


# The model behind each URL's object id -> how to make one in a given tenant.
# The isolation test (tests/channelhub/test_isolation.py) uses this; a new model
# whose detail URL is added must be registered here, or that test fails.
#
# ``viewer`` (optional) is the Membership of the person who will open the URL. Make the
# object theirs in every way but the tenant (recipient, requester, ...), so that only
# the tenant wall stands between them and another tenant's object. It may belong to
# another tenant than ``tenant``: use viewer.user, and viewer.partner only when
# viewer.tenant_id == tenant.pk.
OBJECT_FACTORIES = {
    Membership: lambda tenant, viewer=None: MembershipFactory(tenant=tenant),
    Invitation: lambda tenant, viewer=None: InvitationFactory(tenant=tenant),
    Partner: lambda tenant, viewer=None: PartnerFactory(tenant=tenant),
    PartnerContact: lambda tenant, viewer=None: PartnerContactFactory(tenant=tenant),
    PartnerImport: lambda tenant, viewer=None: PartnerImportFactory(
        tenant=tenant, **_person(viewer, "created_by")
    ),
    Tier: lambda tenant, viewer=None: TierFactory(tenant=tenant),
    Region: lambda tenant, viewer=None: RegionFactory(tenant=tenant),
    ApprovalRequest: lambda tenant, viewer=None: ApprovalRequestFactory(
        tenant=tenant, **_person(viewer, "requested_by")
    ),
    Notification: lambda tenant, viewer=None: NotificationFactory(
        tenant=tenant, **_person(viewer, "recipient")
    ),
    StoredFile: lambda tenant, viewer=None: StoredFileFactory(
        tenant=tenant, **_person(viewer, "uploaded_by")
    ),
    Application: lambda tenant, viewer=None: ApplicationFactory(tenant=tenant),
    Campaign: lambda tenant, viewer=None: CampaignFactory(tenant=tenant),
    # The viewer's department is the one that ticks it off.
    TrainingTask: lambda tenant, viewer=None: TrainingTaskFactory(
        tenant=tenant, **({"responsible_role": viewer.role} if viewer is not None else {})
    ),
}

# The filings module's rows (seed 002), kept with their factories in tests/filings/.
from tests.filings.factories import OBJECT_FACTORIES as _FILINGS_OBJECTS  # noqa: E402

OBJECT_FACTORIES.update(_FILINGS_OBJECTS)

# The orders module's rows, kept with their factories in tests/orders/.
from tests.orders.factories import OBJECT_FACTORIES as _ORDERS_OBJECTS  # noqa: E402

OBJECT_FACTORIES.update(_ORDERS_OBJECTS)
