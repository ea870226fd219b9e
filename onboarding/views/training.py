"""Onboarding training checklists: partner users see their own; departments tick theirs off."""

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from channelhub.access import get_for_tenant_or_404, tenant_view
from onboarding import services
from onboarding.models import Application, TrainingTask
from onboarding.services.training import responsible_for
from onboarding.views.common import act
from partners.models import Partner


@tenant_view("onboarding.training")
def training(request):
    membership = request.membership
    tasks = TrainingTask.objects.select_related("partner", "completed_by").order_by(
        "partner__name", "order", "pk"
    )
    partner = None
    contract = None
    if membership.is_partner_user:
        tasks = tasks.filter(partner_id=membership.partner_id)
        partner = Partner.objects.filter(pk=membership.partner_id).first()
        application = (
            Application.objects.filter(partner_id=membership.partner_id).order_by("-closed_at").first()
        )
        contract = services.current_contract(application) if application else None
    else:
        # Departments see the checklists still open; what is theirs to tick comes first.
        open_partners = (
            TrainingTask.objects.values("partner_id")
            .annotate(open=Count("pk", filter=Q(completed_at__isnull=True)))
            .filter(open__gt=0)
            .values("partner_id")
        )
        tasks = tasks.filter(partner_id__in=open_partners)
    grouped = {}
    for task in tasks:
        task.mine = task.completed_at is None and responsible_for(task, membership.role)
        grouped.setdefault(task.partner, []).append(task)
    return render(
        request,
        "onboarding/training.html",
        {"grouped": grouped, "partner": partner, "contract": contract},
    )


@require_POST
@tenant_view("onboarding.train", model=TrainingTask)
def training_done(request, pk):
    task = get_for_tenant_or_404(TrainingTask.objects.select_related("partner"), pk=pk)
    act(
        request,
        lambda: services.complete_training_task(task, by=request.user, note=request.POST.get("note", "")),
        success=_("“%(title)s” ticked off for %(partner)s.")
        % {"title": task.title, "partner": task.partner.name},
    )
    return redirect("onboarding:training", tenant_slug=request.tenant.slug)
