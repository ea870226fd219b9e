from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelhubConfig(AppConfig):
    name = "channelhub"
    verbose_name = _("Platform")

    def ready(self):
        from channelhub import registration, workflow  # noqa: F401 — workflow installs its guard

        registration.register()

        from channelhub import caching
        from channelhub.models import Membership, Notification, Tenant, User

        for model in (User, Tenant, Membership, Notification):  # what the shell keeps
            caching.watch(model)
