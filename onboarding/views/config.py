"""The tenant admin's configuration pages and the campaigns."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from channelhub import periods
from channelhub.access import get_for_tenant_or_404, tenant_view
from channelhub.forms import add_service_errors
from onboarding.forms.config import (
    CampaignForm,
    ContractTemplateForm,
    CriterionForm,
    DocumentRequirementForm,
    InspectionItemForm,
    SettingsForm,
    TrainingTopicForm,
    row_formset,
)
from onboarding.models import Campaign, OnboardingSettings
from onboarding.services import config as config_services
from onboarding.services.contracts import current_template

LISTS = {
    "rubric": (CriterionForm, gettext_lazy("Screening rubric")),
    "checklist": (InspectionItemForm, gettext_lazy("Site inspection checklist")),
    "documents": (DocumentRequirementForm, gettext_lazy("Required documents")),
    "training": (TrainingTopicForm, gettext_lazy("Onboarding training topics")),
}


@tenant_view("onboarding.configure")
def settings_page(request):
    instance = OnboardingSettings.for_tenant(request.tenant)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        config_services.save_settings(form.instance, by=request.user)
        messages.success(request, _("Settings saved."))
        return redirect("onboarding:settings", tenant_slug=request.tenant.slug)
    return render(
        request,
        "onboarding/config/settings.html",
        {"form": form, "lists": [(key, title) for key, (_f, title) in LISTS.items()]},
        status=400 if form.errors else 200,
    )


@tenant_view("onboarding.configure")
def config_list(request, kind):
    form_class, title = LISTS[kind]
    formset_class = row_formset(form_class)
    queryset = form_class.Meta.model.objects.order_by("order", "pk")
    formset = formset_class(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        config_services.save_rows(formset, by=request.user)
        messages.success(request, _("Saved."))
        return redirect(f"onboarding:config-{kind}", tenant_slug=request.tenant.slug)
    return render(
        request,
        "onboarding/config/list.html",
        {"formset": formset, "title": title, "kind": kind},
        status=400 if formset.errors and request.method == "POST" else 200,
    )


@tenant_view("onboarding.configure")
def contract_template(request):
    template = current_template()
    initial = {"name": template.name, "body": template.body} if template else {}
    form = ContractTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = config_services.save_contract_template(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as version %(v)s.") % {"v": saved.version})
            return redirect("onboarding:contract-template", tenant_slug=request.tenant.slug)
    return render(
        request,
        "onboarding/config/contract_template.html",
        {"form": form, "template": template},
        status=400 if form.errors else 200,
    )


@tenant_view("onboarding.configure")
def contract_template_preview(request):
    """The current template rendered as a PDF with sample data."""
    from datetime import timedelta
    from decimal import Decimal

    from onboarding.models import Application, Contract
    from onboarding.services.contracts import render_contract_pdf

    template = current_template()
    if template is None:
        messages.error(request, _("There is no contract template yet."))
        return redirect("onboarding:contract-template", tenant_slug=request.tenant.slug)
    today = periods.today(request.tenant)
    sample = Application(
        tenant=request.tenant,
        company_name="示例渠道商有限公司",
        credit_code="91330106MA2H4K7X3J",
        legal_representative="张三",
        registered_address="浙江省杭州市西湖区文三路 100 号",
        channel_type="distributor",
        contact_name="李四",
        contact_phone="13800000000",
        contact_email="sample@example.com",
    )
    contract = Contract(
        number="RW2026-00000-01",
        version=1,
        territory="浙江省 杭州市",
        is_exclusive=True,
        valid_from=today,
        valid_until=today + timedelta(days=364),
        deposit=Decimal("50000.00"),
        price_terms="产品价格执行甲方统一发布的渠道价格表。",
        settlement_terms="按月结算。",
    )
    pdf = render_contract_pdf(tenant=request.tenant, application=sample, contract=contract, template=template)
    return HttpResponse(pdf, content_type="application/pdf")


@tenant_view("onboarding.campaigns")
def campaign_list(request):
    campaigns = Campaign.objects.select_related("owner").order_by("-opens_on", "-pk")
    today = periods.today(request.tenant)
    for campaign in campaigns:
        campaign.open_now = campaign.is_open(today)
    return render(request, "onboarding/campaigns.html", {"campaigns": campaigns})


@tenant_view("onboarding.campaigns")
def campaign_new(request):
    return _campaign_form(request, Campaign(tenant=request.tenant, opens_on=periods.today(request.tenant)))


@tenant_view("onboarding.campaigns", model=Campaign)
def campaign_edit(request, pk):
    return _campaign_form(request, get_for_tenant_or_404(Campaign.objects.all(), pk=pk))


def _campaign_form(request, campaign):
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            config_services.save_campaign(form.instance, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("onboarding:campaigns", tenant_slug=request.tenant.slug)
    share = None
    if campaign.pk:
        stored = Campaign.objects.get(pk=campaign.pk)  # the saved link, not what was just typed
        url = public_url(stored)
        share = {
            "url": url,
            "qr": campaign_qr(url).svg_data_uri(scale=5, border=2, light="#fff"),
            "open": stored.is_open(periods.today(request.tenant)),
        }
    return render(
        request,
        "onboarding/campaign_form.html",
        {"form": form, "campaign": campaign, "share": share},
        status=400 if form.errors else 200,
    )


def public_url(campaign) -> str:
    """The campaign's public page, absolute (SITE_URL): for WeChat, posters and e-mails."""
    return settings.SITE_URL + reverse(
        "join:campaign", kwargs={"org": campaign.tenant.slug, "slug": campaign.slug}
    )


def campaign_qr(url: str):
    # Error correction M: still reads when the picture is a little blurred or scaled down.
    return segno.make(url, error="m", micro=False)


@tenant_view("onboarding.campaigns", model=Campaign)
def campaign_qr_png(request, pk):
    """The QR code of the public page as a PNG download (WeChat shares pictures, not SVG)."""
    campaign = get_for_tenant_or_404(Campaign.objects.select_related("tenant"), pk=pk)
    picture = io.BytesIO()
    campaign_qr(public_url(campaign)).save(picture, kind="png", scale=12, border=4, dark="#000", light="#fff")
    response = HttpResponse(picture.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-qr.png"'
    return response
