"""Access functions of the filings module: one per aggregate, first line of each view.

Outsiders and missing rows get the same 404; partner users see only their own
partner's filings and registrations.
"""

from django.db.models import Q

from channelhub import roles
from channelhub.access import as_seen_by, get_for_tenant_or_404, restrict_to_partner
from channelhub.audit import timeline_for
from filings.models import CustomerRegistration, Filing, FilingState
from filings.models.filing import may_file

FILING_RELATED = ("partner", "created_by", "submitted_by", "approved_by", "recorded_by")


def filings_for(request):
    """Staff see the tenant's filings; partner users their partner's own filings and what was recorded
    about it (a manager's draft termination of their channel is not theirs to read)."""
    queryset = restrict_to_partner(request, Filing.objects.select_related(*FILING_RELATED))
    if request.membership.is_partner_user:
        queryset = queryset.filter(
            Q(filed_by_partner=True) | Q(state__in=[FilingState.RECORDED, FilingState.EFFECTIVE])
        )
    return queryset


def get_filing_for_user(request, pk) -> Filing:
    return as_seen_by(request, get_for_tenant_or_404(filings_for(request), pk=pk))


def registrations_for(request):
    return restrict_to_partner(
        request, CustomerRegistration.objects.select_related("partner", "registered_by", "conflicts_with")
    )


def get_registration_for_user(request, pk) -> CustomerRegistration:
    return as_seen_by(request, get_for_tenant_or_404(registrations_for(request), pk=pk))


def may_view_filing(request, filing: Filing) -> bool:
    """File downloads of a filing's attachments (channelhub.files owner check)."""
    membership = request.membership
    if membership is None or not roles.can(membership.role, "filings.view"):
        return False
    if not membership.is_partner_user:
        return True
    return filing.partner_id == membership.partner_id and (
        filing.filed_by_partner or filing.state in (FilingState.RECORDED, FilingState.EFFECTIVE)
    )


def may_edit_filing(request, filing: Filing) -> bool:
    """Edit, attach to and submit a draft or returned filing: who files it (models.may_file)."""
    return filing.is_editable and may_file(filing, request.membership)


def may_withdraw_filing(request, filing: Filing) -> bool:
    """Withdraw it while it waits: who files it, as the ``withdraw`` transition says."""
    return may_file(filing, request.membership)


def _role(request):
    return request.membership.role if request.membership is not None else None


def may_record_filing(request, filing: Filing) -> bool:
    """Record it: the clerk (``filings.record``, the view's permission), once it is approved."""
    return filing.state == FilingState.APPROVED and roles.can(_role(request), "filings.record")


def may_send_back_filing(request, filing: Filing) -> bool:
    """Send it back to the filer instead (``filings.send_back``, the view's permission), while it
    is approved and waits for recording."""
    return filing.state == FilingState.APPROVED and roles.can(_role(request), "filings.send_back")


_PERSON_OF_ENTRY = {"activity": "actor_id", "comment": "author_id", "file": "uploaded_by_id"}


def timeline_seen_by(request, subject) -> list:
    """The record's timeline (channelhub.audit.timeline_for) as the viewer may read it: a partner
    user reads the people of other partners as "another partner", never their names (partner B's
    staff registering a customer that A holds writes an entry on A's registration)."""
    entries = timeline_for(subject)
    membership = request.membership
    if membership is None or not membership.is_partner_user:
        return entries
    from channelhub.models import Membership

    people = {getattr(entry.item, _PERSON_OF_ENTRY[entry.kind], None) for entry in entries} - {None}
    others = set(
        Membership.objects.filter(user_id__in=people, partner__isnull=False)
        .exclude(partner_id=membership.partner_id)
        .values_list("user_id", flat=True)
    )
    for entry in entries:
        if getattr(entry.item, _PERSON_OF_ENTRY[entry.kind], None) in others:
            entry.item.another_partner = True  # components/timeline.html names no one
    return entries
