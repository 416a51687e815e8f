"""De-identified per-institution figures in the public schema. Each institution's job upserts
its own row; the committee console reads only this table, never an institution's schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class InstitutionFigures(models.Model):
    institution = models.OneToOneField("tenants.Institution", on_delete=models.CASCADE, related_name="figures")
    member_count = models.PositiveIntegerField(_("党员数"), default=0)
    probationary_count = models.PositiveIntegerField(_("预备党员数"), default=0)
    branch_count = models.PositiveIntegerField(_("支部数"), default=0)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("学校统计")
        verbose_name_plural = _("学校统计")

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.member_count}"


class NoticeSignoffFigures(models.Model):
    """How far one institution has signed one of the committee's notices: two counts, no names.
    Published by the institution's own figures job, like ``InstitutionFigures``."""

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="signoff_figures")
    # The notice's id in the public schema. Not a foreign key: documents.Document has a table in
    # every institution schema too, and deleting one of those would cascade into this table by id.
    # services.documents deletes these rows when the committee deletes the notice.
    public_document_id = models.BigIntegerField()
    expected_count = models.PositiveIntegerField(_("应签收人数"), default=0)
    signed_count = models.PositiveIntegerField(_("已签收人数"), default=0)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("签收统计")
        verbose_name_plural = _("签收统计")
        constraints = [
            models.UniqueConstraint(fields=["public_document_id", "institution"], name="signoff_figures_once")
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}/{self.public_document_id}: {self.signed_count}/{self.expected_count}"

    @property
    def signed_percent(self) -> int:
        return round(100 * self.signed_count / self.expected_count) if self.expected_count else 100


class DuesCollectionFigures(models.Model):
    """One branch's dues collection in one month, published by the institution's figures job
    (services/dues/selectors.py ``collection``, the one definition of the rate). No names: the unit
    is named by its path of ids in the institution's tree and its kind, and member-month counts
    below ``SMALL_COUNT`` are suppressed (shown as "< 5"), so no one person's payment can be read."""

    SMALL_COUNT = 5

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="dues_figures")
    unit_path = models.CharField(max_length=255)  # "1.4.17.": ids, never a name
    unit_kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    suppressed = models.BooleanField(default=False)  # fewer than SMALL_COUNT member-months billed
    billed_count = models.PositiveIntegerField(null=True, blank=True)  # member-months billed
    settled_count = models.PositiveIntegerField(null=True, blank=True)  # of those, paid or reduced in full
    rate = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)  # percent of money due
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("党费收缴统计")
        verbose_name_plural = _("党费收缴统计")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "unit_path", "year", "month"], name="dues_collection_figures_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id}/{self.unit_path} {self.year}-{self.month:02d}: {self.rate}"


class UnitFact(models.Model):
    """One de-identified fact about one unit of one institution for one period: a metric as a
    numerator over a denominator (issue 15's facts; the older tables above move here in time).

    Published by the institution's figures job from the capabilities' own selectors
    (``services/oversight/facts.py``). No names: the unit is its path of ids and its kind; a
    denominator below ``SMALL_COUNT`` is suppressed (shown as "< 5"), so no one person's answer,
    hours or report can be read from it."""

    SMALL_COUNT = 5

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="unit_facts")
    unit_path = models.CharField(max_length=255)  # "1.4.17.": ids, never a name
    depth = models.PositiveSmallIntegerField(default=1)  # ids in the path: 1 is the institution's root unit
    unit_kind = models.CharField(max_length=20)
    period = models.CharField(max_length=7)  # "2026" (a year) or "2026-11" (a month)
    metric = models.CharField(max_length=64)  # "<capability>.<what>", e.g. "study.hours_met"
    suppressed = models.BooleanField(default=False)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("基层组织统计")
        verbose_name_plural = _("基层组织统计")
        constraints = [
            models.UniqueConstraint(fields=["institution", "metric", "period", "unit_path"], name="unit_fact_once")
        ]
        indexes = [
            models.Index(fields=["metric", "period"], name="unit_fact_metric_period"),
            # The committee's dashboard: every institution's root unit for one period.
            models.Index(fields=["period", "depth", "metric"], name="unit_fact_period_depth"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.institution_id}/{self.unit_path} {self.metric} {self.period}: {self.numerator}/{self.denominator}"
        )

    @property
    def percent(self) -> int | None:
        if self.suppressed or not self.denominator or self.numerator is None:
            return None
        return round(100 * self.numerator / self.denominator)


class FactsRefresh(models.Model):
    """A request to refresh one institution's facts, written in the transaction of the write that
    changed them (an outbox: a rollback takes it back, a commit keeps it until a refresh ran).

    Appended, never updated, so that concurrent writes of one institution never wait on each
    other; the institution's housekeeping refreshes at most once a minute and deletes the
    requests it covered (``services.facts_refresh_due``). A refresh that fails leaves them."""

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="+")
    since_year = models.PositiveSmallIntegerField()  # the earliest year the write touched
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["institution", "id"], name="facts_refresh_institution")]

    def __str__(self) -> str:
        return f"{self.institution_id} since {self.since_year}"


class FactRules(models.Model):
    """The rules one metric of one institution was computed under for one period: each rule's
    version then in force, the standard one or the institution's own adjustment (its value and
    since when; never its reason, which is the institution's free text), so that whoever reads a
    figure can see what it was measured against. Published with the facts, one row per metric
    and period (a rule holds for the whole institution, not per unit); metrics that read no rule
    have none (``services/oversight/fact_rules.py``)."""

    institution = models.ForeignKey("tenants.Institution", on_delete=models.CASCADE, related_name="fact_rules")
    metric = models.CharField(max_length=64)
    period = models.CharField(max_length=7)
    # [{"key", "title", "value", "unit", "source": "standard" | "institution", "effective_from", "citation"}]
    rules = models.JSONField()
    computed_at = models.DateTimeField(_("统计时间"))

    class Meta:
        verbose_name = _("统计依据")
        verbose_name_plural = _("统计依据")
        constraints = [models.UniqueConstraint(fields=["institution", "metric", "period"], name="fact_rules_once")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.metric} {self.period}: {len(self.rules)} rules"
