"""Tenant configuration of the pipeline: the seed defaults, settings, rubric and lists,
the contract template (versioned) and campaigns."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from channelhub import audit
from onboarding import defaults
from onboarding.contract_render import TemplateProblem, compile_template
from onboarding.models import (
    Campaign,
    ContractTemplate,
    DocumentRequirement,
    InspectionItem,
    OnboardingSettings,
    ScreeningCriterion,
    TrainingTopic,
)
from onboarding.services.common import atomic


def install_defaults(tenant) -> None:
    """Give a tenant the seeds' rubric, checklist, documents, training topics and contract
    template — only the kinds it has none of yet (idempotent)."""
    from channelhub.tenancy import tenant_context

    with tenant_context(tenant), atomic():
        if not OnboardingSettings.objects.exists():
            OnboardingSettings.objects.create(approval_roles=list(OnboardingSettings.DEFAULT_APPROVAL_ROLES))
        if not ScreeningCriterion.objects.exists():
            for order, (name, description, weight, max_score) in enumerate(defaults.RUBRIC, start=1):
                ScreeningCriterion.objects.create(
                    name=name, description=description, weight=weight, max_score=max_score, order=order
                )
        if not InspectionItem.objects.exists():
            for order, text in enumerate(defaults.INSPECTION_CHECKLIST, start=1):
                InspectionItem.objects.create(text=text, order=order)
        if not DocumentRequirement.objects.exists():
            for order, (code, label, hint, types, required) in enumerate(defaults.DOCUMENTS, start=1):
                DocumentRequirement.objects.create(
                    code=code,
                    label=label,
                    help_text=hint,
                    channel_types=types,
                    is_required=required,
                    order=order,
                )
        if not TrainingTopic.objects.exists():
            for order, (title, description, role) in enumerate(defaults.TRAINING, start=1):
                TrainingTopic.objects.create(
                    title=title, description=description, responsible_role=role, order=order
                )
        if not ContractTemplate.objects.exists():
            ContractTemplate.objects.create(name=defaults.CONTRACT_NAME, body=defaults.CONTRACT_BODY)


def save_settings(instance: OnboardingSettings, *, by) -> OnboardingSettings:
    with atomic():
        before = OnboardingSettings.objects.filter(pk=instance.pk).values().first() if instance.pk else {}
        instance.save()
        after = OnboardingSettings.objects.filter(pk=instance.pk).values().first()
        changes = audit.diff(
            {k: v for k, v in (before or {}).items() if k not in {"id", "tenant_id"}},
            {k: v for k, v in after.items() if k not in {"id", "tenant_id"}},
        )
        audit.record(instance, "onboarding.settings_changed", actor=by, changes=changes)
    return instance


def save_rows(formset, *, by) -> int:
    """Save a configuration formset (rubric, checklist, documents, topics); rows are
    switched off with ``is_active``, never deleted, so past reports keep their meaning."""
    with atomic():
        saved = formset.save(commit=False)
        for order, row in enumerate(saved, start=1):
            if row.order == 0:
                row.order = 100 + order
            row.save()
        if saved:
            settings_row = OnboardingSettings.for_tenant(saved[0].tenant)
            if settings_row.pk:
                audit.record(
                    settings_row,
                    "onboarding.settings_changed",
                    actor=by,
                    comment=str(formset.model._meta.verbose_name_plural),
                )
    return len(saved)


def save_contract_template(*, name: str, body: str, by) -> ContractTemplate:
    try:
        compile_template(body)
    except TemplateProblem as problem:
        raise ValidationError({"body": str(problem)}) from None
    with atomic():
        current = ContractTemplate.objects.select_for_update().filter(is_current=True).first()
        if current is not None and current.body == body and current.name == name:
            return current
        version = (
            ContractTemplate.objects.order_by("-version").values_list("version", flat=True).first() or 0
        ) + 1
        ContractTemplate.objects.filter(is_current=True).update(is_current=False)
        template = ContractTemplate.objects.create(name=name, body=body, version=version, updated_by=by)
        audit.record(template, "onboarding.template_saved", actor=by, comment=f"v{version}")
    return template


def save_campaign(campaign: Campaign, *, by) -> Campaign:
    if campaign.closes_on and campaign.closes_on < campaign.opens_on:
        raise ValidationError({"closes_on": _("The campaign must close after it opens.")})
    with atomic():
        created = campaign.pk is None
        campaign.save()
        audit.record(
            campaign, "onboarding.campaign_created" if created else "onboarding.campaign_changed", actor=by
        )
    return campaign
