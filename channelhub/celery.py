import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "channelhub.settings")


class TenantTask(DjangoTask):
    """Base task: runs with the tenant named by the ``tenant_id`` keyword active.

    The context is set and reset around each run, so nothing leaks between tasks
    that share a worker thread. Tasks take ids, never model instances.
    """

    def __call__(self, *args, **kwargs):
        from channelhub.roles import remembered_roles

        tenant_id = kwargs.get("tenant_id")
        with remembered_roles():  # roles looked up during this task only
            if tenant_id is None:
                return super().__call__(*args, **kwargs)
            from channelhub.models import Tenant
            from channelhub.tenancy import tenant_context

            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_context(tenant):
                return super().__call__(*args, **kwargs)


app = Celery("channelhub", task_cls=TenantTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
