# The hand-written log-in counter gave way to django-axes (channelhub/lockout.py).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("channelhub", "0005_notification_wants_email"),
    ]

    operations = [
        migrations.DeleteModel(name="FailedLogin"),
    ]
