from django.urls import path

from onboarding.views import public

# Public pages (no account): recruitment campaigns, the application form, the applicant's status link.
app_name = "join"

urlpatterns = [
    path("<slug:org>/", public.campaigns, name="campaigns"),
    path("<slug:org>/status/<str:token>/", public.status, name="status"),
    path("<slug:org>/status/<str:token>/supplements/", public.supplements, name="supplements"),
    path("<slug:org>/status/<str:token>/withdraw/", public.withdraw, name="withdraw"),
    path("<slug:org>/status/<str:token>/contract.pdf", public.contract_pdf, name="contract-pdf"),
    path("<slug:org>/status/<str:token>/sign/", public.sign, name="sign"),
    path("<slug:org>/<slug:slug>/", public.campaign, name="campaign"),
    path("<slug:org>/<slug:slug>/apply/", public.apply, name="apply"),
]
