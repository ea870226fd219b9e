from django.core.management.base import BaseCommand

from partners.demo import load_partner_demo


class Command(BaseCommand):
    help = "Fill the demo tenants' partner registries (run load_demo first; safe to run again)."

    def handle(self, *args, **options):
        created = load_partner_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Partner demo ready (new: {partners} partners, {regions} regions, {tiers} tiers, "
                "{users} channel managers).".format(**created)
            )
        )
