from django.core.management.base import BaseCommand

from channelhub.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo tenants, users and partners (safe to run again: nothing is duplicated)."

    def handle(self, *args, **options):
        created = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready (new: {tenants} tenants, {users} users, {partners} partners).".format(
                    **created
                )
            )
        )
