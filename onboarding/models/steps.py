"""What each step of the pipeline leaves behind: the screening review with its rubric
scores, the site-inspection report, the evaluation report, the contract, and the
onboarding training checklist of the new partner."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from channelhub.roles import Role
from channelhub.tenancy import TenantOwnedModel
from onboarding.models.application import MONEY, Application
from onboarding.models.config import ContractTemplate, ScreeningCriterion, TrainingTopic

SCORE = {"max_digits": 5, "decimal_places": 2}


class Review(TenantOwnedModel):
    """A screening review: the rubric scores (a snapshot of the rubric) and the total."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("weighted score"), **SCORE)
    pass_mark = models.DecimalField(_("pass mark"), **SCORE)
    passed = models.BooleanField(_("passed"))
    documents_checked = models.BooleanField(_("documents checked"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("screening review")
        verbose_name_plural = _("screening reviews")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return f"{self.application_id}: {self.total}"


class ReviewScore(TenantOwnedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ScreeningCriterion, on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(_("criterion"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("weight"))
    max_score = models.PositiveSmallIntegerField(_("maximum score"))
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("rubric score")
        verbose_name_plural = _("rubric scores")
        ordering = ["pk"]
        indexes = [models.Index(fields=["tenant", "review"])]

    def __str__(self):
        return f"{self.name}: {self.score}/{self.max_score}"


class InspectionReport(TenantOwnedModel):
    """The inspector's report: the checklist (a snapshot with each result), score, findings.
    Photos are files of the application (kind ``inspection_photo``)."""

    RESULTS = (("pass", _("Meets")), ("fail", _("Does not meet")), ("na", _("Not applicable")))

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="inspections")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("date of the visit"))
    checklist = models.JSONField(_("checklist"), default=list)  # [{"item", "result", "note"}]
    score = models.DecimalField(
        _("inspection score (0–100)"), validators=[MinValueValidator(0), MaxValueValidator(100)], **SCORE
    )
    findings = models.TextField(_("findings"))
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site inspection report")
        verbose_name_plural = _("site inspection reports")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return f"{self.application_id}: {self.score}"

    def result_label(self, code):
        return dict(self.RESULTS).get(code, code)


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Admit")
    ADMIT_WITH_CONDITIONS = "conditions", _("Admit with conditions")
    DO_NOT_ADMIT = "decline", _("Do not admit")


class EvaluationReport(TenantOwnedModel):
    """The channel manager's evaluation report (评估报告) for management, also as a PDF."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evaluations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_score = models.DecimalField(_("screening score"), **SCORE)
    inspection_score = models.DecimalField(_("inspection score"), **SCORE)
    inspection_weight = models.PositiveSmallIntegerField(_("inspection weight (%)"))
    combined_score = models.DecimalField(_("combined score"), **SCORE)
    summary = models.TextField(_("summary"))
    recommendation = models.CharField(_("recommendation"), max_length=16, choices=Recommendation.choices)
    conditions = models.TextField(_("conditions"), blank=True)
    pdf = models.ForeignKey("channelhub.StoredFile", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return f"{self.application_id}: {self.get_recommendation_display()}"


class Contract(TenantOwnedModel):
    """One issued version of the cooperation agreement (渠道合作协议).

    The PDF is a stored file; ``sha256`` is its fingerprint when issued. Signing posts
    the fingerprint the signer was shown and is refused unless it matches both this
    and the stored file as it is now."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contracts")
    version = models.PositiveSmallIntegerField(_("version"))
    template = models.ForeignKey(ContractTemplate, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("contract number"), max_length=40)
    territory = models.CharField(_("territory"), max_length=200)
    is_exclusive = models.BooleanField(_("exclusive territory"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    deposit = models.DecimalField(_("deposit (CNY)"), **MONEY)
    price_terms = models.TextField(_("price terms"))
    settlement_terms = models.TextField(_("settlement terms"))
    special_terms = models.TextField(_("special terms"), blank=True)
    file = models.ForeignKey("channelhub.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    voided_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    signer_name = models.CharField(_("signed by (typed name)"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signer_ip = models.GenericIPAddressField(_("signer's IP address"), null=True, blank=True)
    signed_sha256 = models.CharField(_("fingerprint signed"), max_length=64, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["version"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "application", "version"], name="onboarding_contract_version"
            )
        ]
        indexes = [models.Index(fields=["tenant", "application"])]

    def __str__(self):
        return self.number


class TrainingTask(TenantOwnedModel):
    """One topic of a new partner's onboarding training, ticked off by its department."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="training_tasks"
    )
    topic = models.ForeignKey(
        TrainingTopic, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("topic"), max_length=100)
    description = models.CharField(_("content"), max_length=300, blank=True)
    responsible_role = models.CharField(_("responsible department"), max_length=32, choices=Role.choices)
    order = models.PositiveSmallIntegerField(default=0)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("training task")
        verbose_name_plural = _("onboarding training checklist")
        ordering = ["partner", "order", "pk"]
        indexes = [
            models.Index(fields=["tenant", "partner"]),
            models.Index(fields=["tenant", "responsible_role", "completed_at"]),
        ]

    def __str__(self):
        return self.title
