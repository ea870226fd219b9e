"""Who may see which partner: one access function per aggregate (STYLE.md §2).

Outsiders, another partner's users and missing rows all get the same 404.
"""

from channelhub import roles
from channelhub.access import as_seen_by, get_for_tenant_or_404, restrict_to_partner
from partners.models import Partner, PartnerImport

PARTNER_RELATED = ("tier", "region__parent__parent", "owner")


def visible_partners(request):
    """The tenant's partners; a partner user's own partner only."""
    return restrict_to_partner(request, Partner.objects.all(), field="pk")


def get_partner_for_user(request, pk, *, related=PARTNER_RELATED) -> Partner:
    return as_seen_by(
        request, get_for_tenant_or_404(visible_partners(request).select_related(*related), pk=pk)
    )


def get_import_for_user(request, pk) -> PartnerImport:
    return get_for_tenant_or_404(PartnerImport.objects.select_related("file", "created_by"), pk=pk)


def _role(request):
    membership = getattr(request, "membership", None)
    return membership.role if membership is not None else None


def can_view_partner_files(request, partner) -> bool:
    """Files hanging on a partner (qualification documents): staff of the tenant, and the
    partner's own users. Registered with channelhub.files.register_file_owner."""
    membership = getattr(request, "membership", None)
    if membership is None or not roles.can(membership.role, "partners.view"):
        return False
    return not membership.is_partner_user or membership.partner_id == partner.pk


def can_view_import_files(request, partner_import) -> bool:
    return roles.can(_role(request), "partners.import")
