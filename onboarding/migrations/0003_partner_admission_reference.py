"""Partners admitted through an application before the registry remembered it get the
application's reference (``Application.reference``) as their ``admission_reference``."""

from django.db import migrations


def remember_references(apps, schema_editor):
    Application = apps.get_model("onboarding", "Application")
    Partner = apps.get_model("partners", "Partner")
    # The base managers: the default ones refuse to query without an active tenant.
    admitted = Application._base_manager.exclude(partner_id=None).values_list(
        "pk", "submitted_at", "partner_id"
    )
    for pk, submitted_at, partner_id in admitted.iterator():
        # As Application.reference computes it.
        reference = f"RW{submitted_at:%Y}{pk:05d}"
        Partner._base_manager.filter(pk=partner_id, admission_reference="").update(
            admission_reference=reference
        )


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0002_defaults_for_existing_tenants"),
        ("partners", "0005_partner_admission_reference"),
    ]

    operations = [migrations.RunPython(remember_references, migrations.RunPython.noop)]
