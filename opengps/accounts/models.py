"""Users with one role each, government units (单位) and GB/T 2260 regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc

GOVERNMENT_ORGAN_USCC_PREFIX = "11"
"""GB 32100-2015: registration authority 1 (机构编制) and kind 1 (机关) — every government organ's
统一社会信用代码 starts with it."""


def validate_uscc(value: str) -> None:
    """A 统一社会信用代码 whose check character is right (python-stdnum, GB 32100-2015)."""
    if value and not stdnum_uscc.is_valid(value):
        raise ValidationError(_("统一社会信用代码无效（应为18位，校验位正确）"), code="invalid")


class Region(models.Model):
    """An administrative division by its GB/T 2260 six-digit code (Hunan and its subdivisions)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省级")
        PREFECTURE = "prefecture", _("市州级")
        COUNTY = "county", _("县市区级")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{6}$"), name="region_code_6_digits")
        ]

    def __str__(self) -> str:
        return self.name

    def lineage(self) -> list[Region]:
        """The region and the regions above it, nearest first (湖南省长沙市岳麓区 → 岳麓区, 长沙市, 湖南省);
        each parent is read as the query selected it (``select_related("parent__parent")`` saves two)."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def full_name(self) -> str:
        return "".join(region.name for region in reversed(self.lineage()))


class Unit(models.Model):
    """A government unit (单位): a department that buys, supervises or registers."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("行政机关")
        FINANCE = "finance", _("财政部门")
        CIVIL_AFFAIRS = "civil_affairs", _("民政部门（登记管理机关）")
        INSTITUTION = "institution", _("事业单位")
        AGENCY = "agency", _("采购代理机构")
        AUDIT = "audit", _("审计机关")
        EVALUATOR = "evaluator", _("第三方评价机构")

    name = models.CharField(_("单位名称"), max_length=120, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("18位；机关以“11”开头。公开数据以此标识采购人（CN-USCI）"),
    )
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="unit_uscc_unique_when_set"
            ),
            models.CheckConstraint(
                condition=models.Q(uscc="") | models.Q(uscc__regex=r"^[0-9]{8}[0-9A-HJ-NP-RTUW-Y]{10}$"),
                name="unit_uscc_18_characters",
            ),
        ]

    def __str__(self) -> str:
        return self.name


GOVERNMENT_ORGAN_KINDS = frozenset(
    {Unit.Kind.DEPARTMENT, Unit.Kind.FINANCE, Unit.Kind.CIVIL_AFFAIRS, Unit.Kind.AUDIT}
)
"""Unit kinds that are 机关 (their USCC starts with "11"); institutions, agencies and firms are not."""


class Role(models.TextChoices):
    """What a user does on the platform; permissions are checked against it in services."""

    PURCHASER = "purchaser", _("采购人")
    AGENCY = "agency", _("采购代理机构")
    FINANCE = "finance", _("财政部门")
    REGISTRATION = "registration", _("登记管理机关")
    SUPPLIER = "supplier", _("供应商（社会组织）")
    EXPERT = "expert", _("评审专家")
    EVALUATOR = "evaluator", _("第三方评价机构")
    AUDITOR = "auditor", _("审计监督（只读）")
    ADMIN = "admin", _("平台管理员")
    EMALL_OPERATOR = "emall_operator", _("电子卖场运营机构")


OFFICIAL_ROLES = frozenset(
    {
        Role.PURCHASER,
        Role.AGENCY,
        Role.FINANCE,
        Role.REGISTRATION,
        Role.AUDITOR,
        Role.ADMIN,
        Role.EMALL_OPERATOR,
    }
)
"""Roles whose sessions end after a short idle time (OPENGPS_OFFICIAL_IDLE_MINUTES)."""


class User(AbstractUser):
    """A platform user. Officials belong to a unit; supplier members to a social organization."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.PURCHASER)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("所属社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("须修改初始密码"),
        default=False,
        help_text=_("管理员设置的初始密码或重置的密码：登录后必须先修改密码才能继续使用"),
    )
    password_is_public = models.BooleanField(
        _("演示账户（密码公开）"),
        default=False,
        help_text=_("演示数据的账户，密码在 README 和 make demo 输出中公开；修改密码后取消"),
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="supplier") | models.Q(organization__isnull=False),
                name="supplier_member_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def is_official(self) -> bool:
        """Government staff and the platform's administrators and auditors: shorter idle sessions."""
        return self.role in OFFICIAL_ROLES

    @property
    def can_read_audit(self) -> bool:
        return self.role in {Role.AUDITOR, Role.FINANCE, Role.REGISTRATION, Role.ADMIN}
