from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self):
        from channelhub.models import Tenant
        from onboarding import registry

        registry.register()
        post_save.connect(_tenant_created, sender=Tenant, dispatch_uid="onboarding-defaults")


def _tenant_created(sender, instance, created, raw=False, **kwargs):
    """A new tenant starts with the seeds' pipeline configuration (docs/onboarding.md)."""
    if created and not raw:
        from onboarding.services.config import install_defaults

        install_defaults(instance)
