"""Users with one role each, government units (单位) and GB/T 2260 regions."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    @property
    def full_name(self) -> str:
        names: list[str] = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))


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
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


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
    def can_read_audit(self) -> bool:
        return self.role in {Role.AUDITOR, Role.FINANCE, Role.REGISTRATION, Role.ADMIN}
