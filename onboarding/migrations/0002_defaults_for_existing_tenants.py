"""Tenants created before the onboarding app get the seeds' configuration (new tenants
get it from the post_save signal in onboarding/registration.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from onboarding import defaults

    Tenant = apps.get_model("channelhub", "Tenant")
    Settings = apps.get_model("onboarding", "OnboardingSettings")
    Criterion = apps.get_model("onboarding", "ScreeningCriterion")
    Item = apps.get_model("onboarding", "InspectionItem")
    Document = apps.get_model("onboarding", "DocumentRequirement")
    Topic = apps.get_model("onboarding", "TrainingTopic")
    Template = apps.get_model("onboarding", "ContractTemplate")
    for tenant in Tenant.objects.all():
        if not Settings.objects.filter(tenant=tenant).exists():
            Settings.objects.create(tenant=tenant, approval_roles=["channel_supervisor", "executive"])
        if not Criterion.objects.filter(tenant=tenant).exists():
            for order, (name, description, weight, max_score) in enumerate(defaults.RUBRIC, start=1):
                Criterion.objects.create(
                    tenant=tenant, name=name, description=description, weight=weight, max_score=max_score, order=order
                )
        if not Item.objects.filter(tenant=tenant).exists():
            for order, text in enumerate(defaults.INSPECTION_CHECKLIST, start=1):
                Item.objects.create(tenant=tenant, text=text, order=order)
        if not Document.objects.filter(tenant=tenant).exists():
            for order, (code, label, hint, types, required) in enumerate(defaults.DOCUMENTS, start=1):
                Document.objects.create(
                    tenant=tenant, code=code, label=label, help_text=hint, channel_types=types,
                    is_required=required, order=order,
                )
        if not Topic.objects.filter(tenant=tenant).exists():
            for order, (title, description, role) in enumerate(defaults.TRAINING, start=1):
                Topic.objects.create(
                    tenant=tenant, title=title, description=description, responsible_role=role, order=order
                )
        if not Template.objects.filter(tenant=tenant).exists():
            Template.objects.create(tenant=tenant, name=defaults.CONTRACT_NAME, body=defaults.CONTRACT_BODY)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
