"""Contacts' mobile numbers in one stored form (E.164, channelhub.validators). A value that is not
a phone number is kept as it was typed, and counted in the output."""

from django.db import migrations

import channelhub.validators


def normalise(apps, schema_editor):
    from channelhub.validators import normalise_stored_phones

    normalise_stored_phones(
        apps.get_model("partners", "PartnerContact"), "mobile", label="partners.PartnerContact.mobile"
    )


class Migration(migrations.Migration):
    dependencies = [("partners", "0006_partnerimport_parsed")]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partnercontact",
            name="mobile",
            field=channelhub.validators.PhoneNumberField(
                blank=True, max_length=30, region=None, verbose_name="mobile"
            ),
        ),
    ]
