"""Turning an admitted application into the active partner record.

The partner registry creates the record (``partners.services.create_by_admission``: its
credit-code, owner and exclusive-territory checks, its audit entry). ``_partner_values``
offers it everything the application gathered; the registry takes the fields it has.
"""

import re

from django.core.exceptions import ValidationError

from channelhub import files, services
from channelhub.models import Membership, StoredFile
from channelhub.roles import Role
from partners import services as registry
from partners.models import Partner, Region


def territory_names(text: str) -> list[str]:
    """A contract's territory as place names, province first ("浙江省 杭州市" → two names)."""
    return [part for part in re.split(r"[\s/·,，、]+", text or "") if part]


def territory_of(contract) -> Region | None:
    """The contract's territory in the tenant's territory tree, if every name of it is there."""
    return registry.region_for(territory_names(contract.territory))


def territory_problem(app, *, territory: str, exclusive: bool) -> tuple[str, str] | None:
    """``(field, message)`` when a contract for ``territory`` (exclusive or not) would clash with
    another partner's exclusive territory — asked when the contract is issued, and again on the
    countersignature page, before the registry refuses the partner itself."""
    region = registry.region_for(territory_names(territory))
    if region is None:
        return None
    candidate = Partner(channel_type=app.channel_type, region=region, exclusive_territory=exclusive)
    return registry.territory_problem(candidate)


def _partner_values(app, contract, region=None) -> dict:
    return {
        "region": region,
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
    """The active partner of ``app``, remembering the application's reference, in the contract's
    territory when the territory tree has it (the registry checks exclusive territories)."""
    return registry.create_by_admission(
        data=_partner_values(app, contract, territory_of(contract)), by=by, reference=app.reference
    )


def link_documents(app, partner, *, contract, by) -> dict:
    """The partner record gets the qualification documents, supplements and the signed
    contract (same stored bytes, new rows); internal reports and photos stay on the application.
    Through the registry (``carry_over_admission``), the qualification documents become the
    partner's documents and the applicant's contact its primary contact, each marked with the
    application it came from. Returns what the registry added."""
    content_type_id = _content_type_id(Partner)
    documents = []
    for f in files.files_of(app):
        if not (f.kind.startswith("doc:") or f.kind == "supplement" or f.pk == contract.file_id):
            continue
        copy = StoredFile.objects.create(
            tenant_id=f.tenant_id,
            content_type_id=content_type_id,
            object_id=partner.pk,
            kind=f.kind,
            file=f.file.name,
            original_name=f.original_name,
            mime_type=f.mime_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by=f.uploaded_by,
        )
        if f.kind.startswith("doc:"):
            documents.append((copy, f.kind.removeprefix("doc:")))
    return registry.carry_over_admission(
        partner,
        by=by,
        reference=app.reference,
        contact={
            "name": app.contact_name,
            "position": app.contact_title,
            "mobile": app.contact_phone,
            "email": app.contact_email,
        },
        documents=documents,
    )


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


def countersign_preview(app, contract) -> dict:
    """What countersigning ``contract`` will do, for the confirmation page: the partner record it
    creates (territory as the tree has it, and whether another partner holds it exclusively), the
    contact and documents carried over, and who is invited."""
    region = territory_of(contract)
    clash = territory_problem(app, territory=contract.territory, exclusive=contract.is_exclusive)
    documents = [f for f in files.files_of(app) if f.kind.startswith("doc:")]
    return {
        "region": region,
        "clash": clash[1] if clash else "",
        "documents": documents,
        "supplements": files.files_of(app, "supplement").count(),
        "invites": not Membership.objects.filter(
            user__email__iexact=app.contact_email, is_active=True
        ).exists(),
    }
