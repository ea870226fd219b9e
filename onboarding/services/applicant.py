"""The applicant's side (no account; the view has checked the private link or the
public form): submit, answer a request for supplements, withdraw, sign the contract.
The applicant's private link is the authority for their transitions (``BY_APPLICANT``)."""

import hashlib
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from channelhub import approvals, audit, files, roles, workflow
from channelhub.models import StoredFile
from channelhub.notifications import Text
from onboarding.models import (
    OPEN_STATES,
    Application,
    ApplicationDraft,
    Contract,
    State,
    SupplementRequest,
)
from onboarding.services.common import (
    atomic,
    email_applicant,
    in_reach,
    new_applicant_link,
    tell_owner,
    tell_staff,
)
from partners.models import Partner


def duplicate_problem(credit_code: str) -> str | None:
    """Why a credit code cannot apply now (same tenant), or None."""
    if Application.objects.filter(credit_code=credit_code, state__in=OPEN_STATES).exists():
        return _(
            "An application with this unified social credit code is already being processed. "
            "Follow it with the link in our e-mail, or contact the channel department."
        )
    if Partner.objects.filter(credit_code=credit_code).exists():
        return _(
            "A company with this unified social credit code is already our partner; contact your channel manager."
        )
    return None


# --- drafts: uploads kept across a failed submission ------------------------------------------


def draft_for(campaign, key: str | None) -> ApplicationDraft | None:
    if not key:
        return None
    return ApplicationDraft.objects.filter(
        campaign=campaign, key_hash=hashlib.sha256(key.encode()).hexdigest()
    ).first()


def keep_uploads(campaign, key: str | None, uploads: dict) -> tuple[str | None, dict]:
    """Store validated uploads ``{kind: file}`` in the form's draft (made on first need);
    returns the draft key and ``{kind: StoredFile}`` of everything the draft now holds."""
    draft = draft_for(campaign, key)
    if uploads:
        with atomic():
            if draft is None:
                key = secrets.token_urlsafe(24)
                draft = ApplicationDraft.objects.create(
                    campaign=campaign, key_hash=hashlib.sha256(key.encode()).hexdigest()
                )
            held = files.files_of(draft)
            for kind, upload in uploads.items():
                # A new file for the same document replaces the held one (files are private;
                # drafts are scratch space, not records).
                for old in held.filter(kind=kind):
                    old.file.delete(save=False)
                    old.delete()
                files.store_file(draft, upload, kind=kind)
    if draft is None:
        return None, {}
    return key, {f.kind: f for f in files.files_of(draft)}


def submit_application(campaign, data: dict, *, draft_key=None, ip=None, language="zh-hans"):
    """Create the application from the public form; returns (application, status link)."""
    if not campaign.is_open():
        raise ValidationError(_("This campaign is not taking applications."))
    problem = duplicate_problem(data["credit_code"])
    if problem:
        raise ValidationError({"credit_code": problem}, code="duplicate")
    with atomic():
        try:
            with transaction.atomic():
                app = Application.objects.create(
                    campaign=campaign, owner=campaign.owner, applicant_ip=ip, language=language, **data
                )
        except IntegrityError:  # a twin submitted at the same moment
            raise ValidationError(
                {"credit_code": duplicate_problem(data["credit_code"])}, code="duplicate"
            ) from None
        draft = draft_for(campaign, draft_key)
        if draft is not None:
            StoredFile.objects.filter(
                content_type=ContentType.objects.get_for_model(ApplicationDraft), object_id=draft.pk
            ).update(content_type=ContentType.objects.get_for_model(Application), object_id=app.pk)
            draft.delete()
        audit.record(app, "onboarding.submitted", to_state=app.state, via="applicant")
        link = new_applicant_link(app)
        email_applicant(app, "received")
        tell_owner(app, Text(gettext_noop("new application")))
    return app, link


def supply_supplements(application, *, reply: str, uploads: list):
    in_reach(application)
    if not reply.strip() and not uploads:
        raise ValidationError({"reply": _("Answer the request, or add the documents asked for.")})
    with atomic():
        workflow.transition(
            application, "supply", by=None, verb="onboarding.supply", comment=reply.strip(), via="applicant"
        )
        request = open_supplement_request(application)
        if request is not None:
            request.reply, request.replied_at = reply.strip(), timezone.now()
            request.save(update_fields=["reply", "replied_at"])
        for upload in uploads:
            files.store_file(application, upload, kind="supplement")
        tell_owner(application, Text(gettext_noop("the applicant sent supplements")), reply.strip())
    return application


def withdraw(application, *, reason: str = ""):
    in_reach(application)
    with atomic():
        workflow.transition(
            application,
            "withdraw",
            by=None,
            verb="onboarding.withdraw",
            comment=reason.strip(),
            via="applicant",
        )
        approvals.cancel_pending(application, by=None, reason=_("The applicant withdrew."))
        tell_owner(application, Text(gettext_noop("withdrawn by the applicant")), reason.strip())
    return application


class ContractChanged(ValidationError):
    pass


def current_contract(app) -> Contract | None:
    return app.contracts.filter(voided_at__isnull=True).select_related("file").order_by("-version").first()


def file_digest(stored: StoredFile) -> str:
    digest = hashlib.sha256()
    with stored.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(65536), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sign_contract(application, *, signer_name: str, sha256: str, agreed: bool, ip=None):
    """The applicant signs the exact PDF they were shown: the posted fingerprint must be the
    current contract's, and the stored file must still hash to it."""
    in_reach(application)
    signer_name = " ".join(signer_name.split())
    if not signer_name:
        raise ValidationError({"signer_name": _("Type your full name to sign.")})
    if not agreed:
        raise ValidationError({"agree": _("Confirm that you have read the contract and agree to it.")})
    contract = current_contract(application)
    if application.state != State.CONTRACT_ISSUED or contract is None:
        raise workflow.WrongState(application)
    if sha256 != contract.sha256:
        raise ContractChanged(
            _(
                "This is not the current version of the contract. Reload the page, read the current version and sign again."
            ),
            code="stale_version",
        )
    if file_digest(contract.file) != contract.sha256 or contract.file.sha256 != contract.sha256:
        with atomic():
            audit.record(
                application, "onboarding.contract_mismatch", via="applicant", comment=contract.number
            )
            tell_owner(
                application,
                Text(gettext_noop("the stored contract PDF no longer matches its fingerprint; re-issue it")),
            )
        raise ContractChanged(
            _(
                "The contract document changed after it was issued, so it cannot be signed. The channel department has been told and will issue it again."
            ),
            code="tampered",
        )
    with atomic():
        app = workflow.lock(application)  # the contract is checked and signed under it
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.voided_at is not None or locked.signed_at is not None:
            raise ContractChanged(_("This contract version can no longer be signed."), code="stale_version")
        locked.signer_name, locked.signed_at = signer_name, timezone.now()
        locked.signer_ip, locked.signed_sha256 = ip, sha256
        locked.save(update_fields=["signer_name", "signed_at", "signer_ip", "signed_sha256"])
        workflow.transition(
            app,
            "sign_contract",
            by=None,
            verb="onboarding.sign_contract",
            comment=_("Signed by %(name)s") % {"name": signer_name},
            via="applicant",
            changes={"sha256": ["", sha256], "signer": ["", signer_name], "ip": ["", ip or ""]},
        )
        tell_owner(app, Text(gettext_noop("the applicant signed the contract")))
        tell_staff(
            app,
            roles.members_may("onboarding.countersign"),
            Text(gettext_noop("contract signed by the applicant: countersign it")),
        )
    return app


def open_supplement_request(app) -> SupplementRequest | None:
    return app.supplement_requests.filter(replied_at__isnull=True).last()
