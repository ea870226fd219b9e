"""Where a contact or document came from, as a reference (the page words it in the reader's
language). Rows carried over before this kept it as text: in the contact's notes, and in the
comment of the document's timeline entry."""

import re

from django.db import migrations, models

# The words carry_over_admission wrote, in either language, and the reference after them.
SOURCE = re.compile(r"(?:From admission application|来自入网申请) (\S+)$")


def backfill(apps, schema_editor):
    PartnerContact = apps.get_model("partners", "PartnerContact")
    PartnerDocument = apps.get_model("partners", "PartnerDocument")
    Activity = apps.get_model("channelhub", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for contact in PartnerContact.objects.filter(notes__regex=SOURCE.pattern):
        reference = SOURCE.search(contact.notes).group(1)
        PartnerContact.objects.filter(pk=contact.pk).update(admission_reference=reference, notes="")
    partner_type = ContentType.objects.filter(app_label="partners", model="partner").first()
    if partner_type is None:
        return
    entries = Activity.objects.filter(
        content_type=partner_type, verb="partner.document_added", via="admission"
    ).values_list("object_id", "comment")
    for partner_id, comment in entries:
        parts = comment.split(" · ")
        found = SOURCE.search(parts[-1]) if len(parts) >= 3 else None
        if found:
            PartnerDocument.objects.filter(
                partner_id=partner_id, file__original_name=" · ".join(parts[1:-1]), admission_reference=""
            ).update(admission_reference=found.group(1))


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0008_search_and_credit_sort_indexes"),
        ("channelhub", "0011_tenant_partner_changes_by_filing"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnercontact",
            name="admission_reference",
            field=models.CharField(
                blank=True, editable=False, max_length=40, verbose_name="from admission application"
            ),
        ),
        migrations.AddField(
            model_name="partnerdocument",
            name="admission_reference",
            field=models.CharField(
                blank=True, editable=False, max_length=40, verbose_name="from admission application"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
