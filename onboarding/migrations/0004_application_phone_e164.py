"""Applicants' phone numbers in one stored form (E.164, channelhub.validators). A value that is not
a phone number is kept as it was typed, and counted in the output."""

from django.db import migrations

import channelhub.validators


def normalise(apps, schema_editor):
    from channelhub.validators import normalise_stored_phones

    normalise_stored_phones(
        apps.get_model("onboarding", "Application"),
        "contact_phone",
        label="onboarding.Application.contact_phone",
    )


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0003_partner_admission_reference")]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="contact_phone",
            field=channelhub.validators.PhoneNumberField(max_length=30, region=None, verbose_name="phone"),
        ),
    ]
