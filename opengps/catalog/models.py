"""Versions of the guidance catalogue (指导性目录): three-level items, negative list, reference prices.

A version is edited while it is a draft and frozen once published (政府购买服务管理办法 第十一条:
the catalogue is published); a newer version supersedes it, the old one stays readable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    """Lifecycle of a catalogue version; transitions in `opengps.rules.workflow.CATALOG_VERSION`."""

    DRAFT = "draft", _("草稿")
    """Being edited by the finance department."""
    PUBLISHED = "published", _("已发布")
    """In force and public; never edited again."""
    SUPERSEDED = "superseded", _("已被替代")
    """A newer version of the same year was published; still readable."""


class CatalogVersion(models.Model):
    """One edition of the guidance catalogue of a fiscal year (e.g. 2022, revision 1)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    revision = models.PositiveSmallIntegerField(_("修订版次"), default=1)
    title = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发布机关"), max_length=120, blank=True)
    document_number = models.CharField(_("文号"), max_length=60, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    based_on = models.ForeignKey(
        "self", verbose_name=_("基于版本"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("指导性目录版本")
        verbose_name_plural = _("指导性目录版本")
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "revision"], name="catalog_version_year_revision"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="catalog_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.year}-{self.revision}）"

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ItemKind(models.TextChoices):
    """A purchasable item of the catalogue, or an entry of the negative list."""

    ITEM = "item", _("目录事项")
    NEGATIVE = "negative", _("负面清单（不得购买）")


class CatalogItem(models.Model):
    """An entry of a version: level 1 (公共服务 / 辅助性服务), 2 (category) or 3 (purchasable item).

    Negative-list entries (政府购买服务管理办法 第十条) are of kind ``negative`` and have no
    children: either a level-1 entry of the list itself, or a level-3 service of a category that
    the finance department has flagged as never purchasable. A retired level-3 item stays in the
    version (its code is not reused, older projects still name it) but can no longer be chosen.
    """

    version = models.ForeignKey(
        CatalogVersion, verbose_name=_("版本"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=200)
    level = models.PositiveSmallIntegerField(_("层级"))
    kind = models.CharField(_("类别"), max_length=10, choices=ItemKind.choices, default=ItemKind.ITEM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    description = models.TextField(_("说明"), blank=True)
    citation = models.CharField(_("依据"), max_length=200, blank=True)
    unit_of_service = models.CharField(
        _("服务计量单位"), max_length=20, blank=True, help_text=_("如 人·次、户·月、项")
    )
    retired = models.BooleanField(_("已停用"), default=False)
    position = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("目录事项")
        verbose_name_plural = _("目录事项")
        ordering = ["version_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="catalog_item_code_per_version"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="catalog_item_level_1_3"
            ),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="catalog_item_parent_by_level",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="item") | models.Q(level=1) | models.Q(level=3),
                name="catalog_item_negative_level_1_or_3",
            ),
            models.CheckConstraint(
                condition=models.Q(retired=False) | models.Q(level=3), name="catalog_item_retire_level_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_purchasable(self) -> bool:
        return self.kind == ItemKind.ITEM and self.level == 3 and not self.retired

    @property
    def is_negative(self) -> bool:
        return self.kind == ItemKind.NEGATIVE


class PriceEntry(models.Model):
    """A reference price (参考价格) of a level-3 item per unit of measure (人·次, 户·月 …), in yuan.

    Each price says from which fiscal year it applies (执行年度), so a revision can carry next
    year's price beside this year's without overwriting it.
    """

    item = models.ForeignKey(
        CatalogItem, verbose_name=_("目录事项"), on_delete=models.CASCADE, related_name="prices"
    )
    unit_of_measure = models.CharField(_("计量单位"), max_length=20)
    price = models.DecimalField(_("参考价格（元）"), max_digits=12, decimal_places=2)
    effective_year = models.PositiveSmallIntegerField(_("执行年度"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参考价格")
        verbose_name_plural = _("参考价格")
        ordering = ["item_id", "unit_of_measure", "effective_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit_of_measure", "effective_year"], name="catalog_price_per_unit_year"
            ),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="catalog_price_positive"),
            models.CheckConstraint(
                condition=models.Q(effective_year__gte=2000, effective_year__lte=2100),
                name="catalog_price_effective_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} {self.price}/{self.unit_of_measure}（{self.effective_year}）"


class DepartmentCatalogue(models.Model):
    """A department's own catalogue (部门目录): the published subset of a version it buys from."""

    version = models.ForeignKey(
        CatalogVersion,
        verbose_name=_("指导性目录版本"),
        on_delete=models.PROTECT,
        related_name="department_catalogues",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="department_catalogues",
    )
    items = models.ManyToManyField(
        CatalogItem, verbose_name=_("目录事项"), related_name="department_catalogues"
    )
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("部门目录")
        verbose_name_plural = _("部门目录")
        constraints = [models.UniqueConstraint(fields=["version", "unit"], name="department_catalogue_once")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.version}"
