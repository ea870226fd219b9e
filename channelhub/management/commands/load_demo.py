from django.core.management.base import BaseCommand

from channelhub.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo tenants, users and partners (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        created = load_demo()
        # every app's demo_counts, in loading order (channelhub.modules)
        made = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (new: {made})."))
