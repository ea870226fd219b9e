"""Phone numbers in one stored form (E.164, channelhub.validators): customer registrations' contact
phones (and the matching key derived from them), and the primary contact's mobile that filings
carry in their proposed and baseline values (so a filing made before still compares equal to the
partner's record). A value that is not a phone number is kept as it was typed, and counted."""

import re
import unicodedata

from django.db import migrations

import channelhub.validators

HOLDING = ("protected", "won")


def phone_key(phone: str) -> str:
    """filings.customers.normalise_phone as of this migration, of a stored number: its digits
    without the +86 / 0086 prefix and without an extension."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", (phone or "").split(";ext=")[0]))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) >= 10:
            digits = digits[len(prefix) :]
            break
    return digits[:30]


def normalise(apps, schema_editor):
    from channelhub.validators import migration_output, normalise_stored_phones, stored_phone

    Registration = apps.get_model("filings", "CustomerRegistration")
    changed = normalise_stored_phones(
        Registration, "contact_phone", label="filings.CustomerRegistration.contact_phone"
    )
    # The matching key follows the phone. Two holding registrations whose phones were written
    # differently (and so never matched) keep their old keys: the database allows one holder per key.
    held = set(
        Registration.objects.filter(status__in=HOLDING)
        .exclude(pk__in=changed)
        .exclude(phone_key="")
        .values_list("tenant_id", "phone_key")
    )
    rekeyed, clashes = [], 0
    for registration in Registration.objects.filter(pk__in=changed).order_by("created_at", "pk"):
        key = phone_key(changed[registration.pk])
        if key == registration.phone_key:
            continue
        if registration.status in HOLDING:
            if (registration.tenant_id, key) in held:
                clashes += 1
                continue
            held.add((registration.tenant_id, key))
        registration.phone_key = key
        rekeyed.append(registration)
    Registration.objects.bulk_update(rekeyed, ["phone_key"], batch_size=500)
    if clashes:
        migration_output(
            f"  filings.CustomerRegistration.phone_key: {clashes} kept (another holder has the same phone)"
        )

    Filing = apps.get_model("filings", "Filing")
    updated, kept = [], 0
    for filing in Filing.objects.filter(proposed__has_key="contact_mobile") | Filing.objects.filter(
        baseline__has_key="contact_mobile"
    ):
        dirty = False
        for values in (filing.proposed, filing.baseline):
            value = values.get("contact_mobile")
            if not value:
                continue
            new = stored_phone(value)
            if new is None:
                kept += 1
            elif new != value:
                values["contact_mobile"], dirty = new, True
        if dirty:
            updated.append(filing)
    Filing.objects.bulk_update(updated, ["proposed", "baseline"], batch_size=200)
    if updated or kept:
        migration_output(
            f"  filings.Filing contact_mobile: {len(updated)} filing(s) updated; {kept} value(s) kept as typed"
        )


class Migration(migrations.Migration):
    dependencies = [("filings", "0002_customer_withdrawn")]

    operations = [
        migrations.RunPython(normalise, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="customerregistration",
            name="contact_phone",
            field=channelhub.validators.PhoneNumberField(
                blank=True, max_length=30, region=None, verbose_name="contact phone"
            ),
        ),
    ]
