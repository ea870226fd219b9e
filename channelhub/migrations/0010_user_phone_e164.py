"""Users' phone numbers in one stored form (E.164, channelhub.validators). A value that is not a
phone number is kept as it was typed, and counted in the output."""

from django.db import migrations

import channelhub.validators


def normalise(apps, schema_editor):
    from channelhub.validators import normalise_stored_phones

    normalise_stored_phones(apps.get_model("channelhub", "User"), "phone", label="channelhub.User.phone")


class Migration(migrations.Migration):
    dependencies = [("channelhub", "0009_notification_texts")]

    operations = [
        # While the column is still plain text: the values as they were typed.
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=channelhub.validators.PhoneNumberField(
                blank=True, max_length=30, region=None, verbose_name="phone"
            ),
        ),
    ]
