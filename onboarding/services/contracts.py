"""Contract: issue (render the tenant's template to a PDF and fingerprint it) and the
company's countersignature, which creates the active partner."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import audit, files, roles, workflow
from channelhub.documents import render_pdf
from channelhub.notifications import Text
from channelhub.roles import Role
from onboarding.contract_render import TemplateProblem, contract_context, render_body
from onboarding.models import Contract, ContractTemplate, State
from onboarding.services.activation import (
    create_partner,
    invite_partner_admin,
    link_documents,
    territory_problem,
)
from onboarding.services.applicant import current_contract
from onboarding.services.common import atomic, email_applicant, in_reach, tell_owner, tell_staff
from onboarding.services.training import create_training_checklist


def current_template() -> ContractTemplate | None:
    return ContractTemplate.objects.filter(is_current=True).first()


def render_contract_pdf(*, tenant, application, contract, template) -> bytes:
    body = render_body(
        template.body, contract_context(tenant=tenant, application=application, contract=contract)
    )
    return render_pdf(
        "onboarding/documents/contract.html",
        {"tenant": tenant, "body": mark_safe(body), "contract": contract},  # noqa: S308 — sandboxed, autoescaped
        language=tenant.default_language,
    )


def issue_contract(application, *, by, terms: dict):
    """Issue (or re-issue) the contract: ``terms`` are Contract's term fields. A re-issue
    replaces the previous version, which can then no longer be signed."""
    in_reach(application)
    template = current_template()
    if template is None:
        raise ValidationError(_("There is no contract template yet; the tenant admin writes one."))
    if terms["valid_until"] <= terms["valid_from"]:
        raise ValidationError({"valid_until": _("The contract must end after it starts.")})
    # An exclusive territory another partner holds is refused now, beside the field, rather than
    # when the supervisor countersigns the signed contract.
    clash = territory_problem(application, territory=terms["territory"], exclusive=terms["is_exclusive"])
    if clash is not None:
        field, message = clash
        raise ValidationError({"is_exclusive" if field == "exclusive_territory" else "territory": message})
    with atomic():
        app = workflow.lock(application)  # the version number is taken under it
        previous = current_contract(app)
        version = (app.contracts.order_by("-version").values_list("version", flat=True).first() or 0) + 1
        contract = Contract(
            tenant_id=app.tenant_id,
            application=app,
            version=version,
            template=template,
            number=f"{app.reference}-{version:02d}",
            issued_by=by,
            **terms,
        )
        try:
            pdf = render_contract_pdf(
                tenant=app.tenant, application=app, contract=contract, template=template
            )
        except TemplateProblem as problem:
            raise ValidationError(str(problem)) from None
        upload = ContentFile(pdf, name=f"contract-{contract.number}.pdf")
        workflow.transition(
            app,
            "issue_contract",
            by=by,
            verb="onboarding.issue_contract",
            comment=contract.number,
            changes={"version": [str(previous.version) if previous else "", str(version)]},
        )
        stored = files.store_file(app, upload, kind="contract", by=by, mime_type=files.PDF)
        contract.file, contract.sha256 = stored, stored.sha256
        contract.save()
        if previous is not None:
            previous.voided_at = timezone.now()
            previous.save(update_fields=["voided_at"])
        email_applicant(app, "contract_issued", contract=contract)
    return contract


def countersign(application, *, by):
    """The company countersigns: the partner is created with the application's data,
    the documents are linked to it, its training checklist made and its admin invited."""
    in_reach(application)
    with atomic():
        app = workflow.lock(application)  # the contract is checked and countersigned under it
        contract = current_contract(app)
        if app.state != State.CONTRACT_SIGNED or contract is None or contract.signed_at is None:
            raise workflow.WrongState(app)
        partner = create_partner(app, contract=contract, by=by)
        contract.countersigned_by, contract.countersigned_at = by, timezone.now()
        contract.save(update_fields=["countersigned_by", "countersigned_at"])
        workflow.transition(
            app,
            "countersign",
            by=by,
            verb="onboarding.countersign",
            comment=contract.number,
            changes={"partner": ["", partner.name]},
            fields={"partner": partner},
        )
        carried = link_documents(app, partner, contract=contract, by=by)
        tasks = create_training_checklist(partner, application=app)
        invitation = invite_partner_admin(app, partner, by=by)
        audit.record(
            partner,
            "onboarding.admitted",
            actor=by,
            comment=admitted_summary(app, partner, contract=contract, carried=carried),
            via="admission",
        )
        email_applicant(app, "welcome", partner=partner, invited=invitation is not None)
        tell_owner(app, Text(gettext_noop("countersigned: the partner is active")))
        if contract.territory and partner.region_id is None:
            tell_owner(
                app,
                Text(gettext_noop("set the partner's territory")),
                Text(
                    gettext_noop("The contract's territory “%(territory)s” is not in the territory tree."),
                    territory=contract.territory,
                ),
            )
        roles_to_train = sorted({t.responsible_role for t in tasks} - {Role.CHANNEL_MANAGER})
        tell_staff(
            app,
            roles.members_with(*roles_to_train),
            Text(gettext_noop("new partner: onboarding training to run")),
        )
    return partner


def admitted_summary(app, partner, *, contract, carried: dict) -> str:
    """The partner's timeline entry of its admission: where the record came from and what it
    brought along (territory, contact, documents)."""
    if partner.region_id:
        territory = partner.region.path + (f" · {_('exclusive')}" if partner.exclusive_territory else "")
    else:
        territory = _("“%(territory)s” is not in the territory tree: set it on the partner record") % {
            "territory": contract.territory or "—"
        }
    contact = carried.get("contact")
    return _(
        "From admission application %(ref)s, contract %(number)s. Territory: %(territory)s. "
        "Primary contact: %(contact)s. Qualification documents: %(documents)s."
    ) % {
        "ref": app.reference,
        "number": contract.number,
        "territory": territory,
        "contact": contact.name if contact else "—",
        "documents": len(carried.get("documents") or []),
    }
