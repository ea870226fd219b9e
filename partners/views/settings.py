"""The tenant's own tiers and territory tree (tenant admins)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import add_service_errors
from partners import services
from partners.forms import RegionForm, TierForm, region_sort_key, regions_queryset
from partners.models import Partner, Region, Tier


@tenant_view("tenant.configure")
def tier_list(request):
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tier = services.save_tier(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added the tier %(name)s.") % {"name": tier.name})
            return redirect("partners:tier-list", tenant_slug=request.tenant.slug)
    counts = dict(Partner.objects.values_list("tier").annotate(n=Count("pk")).order_by())
    tiers = list(Tier.objects.all())
    for tier in tiers:
        tier.partner_count = counts.get(tier.pk, 0)
    return render(
        request, "partners/tiers.html", {"form": form, "tiers": tiers}, status=400 if form.errors else 200
    )


@tenant_view("tenant.configure", model=Tier)
def tier_edit(request, pk):
    tier = get_for_tenant_or_404(Tier.objects.all(), pk=pk)
    form = TierForm(request.POST or None, instance=tier)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tier(data=form.cleaned_data, by=request.user, tier=tier)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved the tier %(name)s.") % {"name": tier.name})
            return redirect("partners:tier-list", tenant_slug=request.tenant.slug)
    return render(
        request, "partners/setting_edit.html", {"form": form, "object": tier, "kind": "tier"},
        status=400 if form.errors else 200,
    )  # fmt: skip


@tenant_view("tenant.configure")
def region_list(request):
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            region = services.save_region(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added %(name)s.") % {"name": region.path})
            return redirect("partners:region-list", tenant_slug=request.tenant.slug)
    counts = dict(Partner.objects.values_list("region").annotate(n=Count("pk")).order_by())
    regions = sorted(regions_queryset(), key=region_sort_key)
    for region in regions:
        region.partner_count = counts.get(region.pk, 0)
    return render(
        request,
        "partners/regions.html",
        {"form": form, "regions": regions},
        status=400 if form.errors else 200,
    )


@tenant_view("tenant.configure", model=Region)
def region_edit(request, pk):
    region = get_for_tenant_or_404(regions_queryset(), pk=pk)
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_region(data=form.cleaned_data, by=request.user, region=region)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": region.path})
            return redirect("partners:region-list", tenant_slug=request.tenant.slug)
    return render(
        request, "partners/setting_edit.html", {"form": form, "object": region, "kind": "region"},
        status=400 if form.errors else 200,
    )  # fmt: skip
