"""Turning an admitted application into the active partner record.

The partner registry creates the record (``partners.services.create_by_admission``: its
credit-code, owner and exclusive-territory checks, its audit entry). ``_partner_values``
offers it everything the application gathered; the registry takes the fields it has.
"""

from django.core.exceptions import ValidationError

from channelhub import files, services
from channelhub.models import Membership, StoredFile
from channelhub.roles import Role
from partners import services as registry
from partners.models import Partner


def _partner_values(app, contract) -> dict:
    return {
        "name": app.company_name,
        "credit_code": app.credit_code,
        "channel_type": app.channel_type,
        "legal_representative": app.legal_representative,
        "registered_capital": app.registered_capital,
        "address": app.registered_address,
        "registered_address": app.registered_address,
        "province": app.province,
        "city": app.city,
        "district": app.district,
        "is_exclusive": contract.is_exclusive,
        "exclusive_territory": contract.is_exclusive,
        "owner": app.owner,
        "contact_name": app.contact_name,
        "contact_phone": app.contact_phone,
        "contact_email": app.contact_email,
        "contract_valid_from": contract.valid_from,
        "contract_valid_until": contract.valid_until,
    }


def create_partner(app, *, contract, by) -> Partner:
    """The active partner of ``app``, remembering the application's reference."""
    return registry.create_by_admission(data=_partner_values(app, contract), by=by, reference=app.reference)


def link_documents(app, partner, *, contract, by) -> int:
    """The partner record gets the qualification documents, supplements and the signed
    contract (same stored bytes, new rows); internal reports and photos stay on the application."""
    rows = [
        StoredFile(
            tenant_id=f.tenant_id,
            content_type_id=_content_type_id(Partner),
            object_id=partner.pk,
            kind=f.kind,
            file=f.file.name,
            original_name=f.original_name,
            mime_type=f.mime_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=f.uploaded_by,
        )
        for f in files.files_of(app)
        if f.kind.startswith("doc:") or f.kind == "supplement" or f.pk == contract.file_id
    ]
    StoredFile.objects.bulk_create(rows)
    return len(rows)


def _content_type_id(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def invite_partner_admin(app, partner, *, by):
    """Invite the applicant's contact as the partner's admin (unless already a member here)."""
    if Membership.objects.filter(user__email__iexact=app.contact_email, is_active=True).exists():
        return None
    try:
        return services.invite_user(
            tenant=app.tenant, email=app.contact_email, role=Role.PARTNER_ADMIN, partner=partner, by=by
        )
    except ValidationError:
        return None
