"""Capacity building of the providers (issue 20): townships and their social-work stations, the
social workers posted there and the stations' monthly service logs, incubation bases with their
subsidies and incubatees, and community social organizations filed with the township or street.

Sources (seed 003, 湖南省民政厅 2024年 第0258号建议答复 三): 141 incubation bases built with a
provincial subsidy fund since 2016; 1.43万 township (street) social-work stations covering every
township, staffed by social workers that social organizations send there (湘民发〔2018〕10号);
community social organizations in five priority kinds (湘民发〔2022〕42号).

Who may do what and the rules behind the dates live in `opengps.capacity.services` and
`opengps.rules.capacity`; the database holds the invariants it can check on one row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TownshipKind(models.TextChoices):
    """The kind of a township-level division (统计用区划代码, 9 digits)."""

    TOWN = "town", _("镇")
    """A town (镇)."""
    TOWNSHIP = "township", _("乡")
    """A rural township (乡, 民族乡 included)."""
    STREET = "street", _("街道")
    """A street office (街道) of a city district."""


class Township(models.Model):
    """A township or street (乡镇（街道）) under a county: the unit of station coverage.

    The code is the 9-digit statistical division code; its first six digits are the county's
    GB/T 2260 code (checked by the service that creates it)."""

    code = models.CharField(_("区划代码"), max_length=9, primary_key=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=12, choices=TownshipKind.choices)
    county = models.ForeignKey(
        "accounts.Region", verbose_name=_("所属县市区"), on_delete=models.PROTECT, related_name="townships"
    )

    class Meta:
        verbose_name = _("乡镇（街道）")
        verbose_name_plural = _("乡镇（街道）")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{9}$"), name="capacity_township_code_9_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StationStatus(models.TextChoices):
    """Whether a station serves its township (transitions: `opengps.rules.capacity.STATION`)."""

    OPERATING = "operating", _("运营中")
    """Open and serving from its opening day; counts toward coverage."""
    SUSPENDED = "suspended", _("暂停服务")
    """Temporarily not serving (e.g. between operators); does not count toward coverage."""
    CLOSED = "closed", _("已撤销")
    """Closed for good on `closed_on`; its logs and postings stay as history."""


class Station(models.Model):
    """A township (street) social-work station (乡镇（街道）社会工作服务站), run by a social
    organization and paid by a purchase contract or a grant (湘民发〔2018〕10号, seed 003)."""

    name = models.CharField(_("站点名称"), max_length=120)
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="stations"
    )
    operator = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("运营机构"),
        on_delete=models.PROTECT,
        related_name="capacity_stations",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("购买服务合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_stations",
    )
    grant = models.ForeignKey(
        "grants.Agreement",
        verbose_name=_("资助协议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_stations",
    )
    annual_amount = models.DecimalField(
        _("每年金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    """What the contract or grant pays for the station a year (None: not stated)."""
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    opened_on = models.DateField(_("建成开放日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=StationStatus.choices)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("乡镇（街道）社会工作服务站")
        verbose_name_plural = _("乡镇（街道）社会工作服务站")
        ordering = ["township_id", "-opened_on", "-id"]
        indexes = [
            # The stations serving on a day (`selectors.operating_on`: operating, or closed on or after
            # that day) are a small part of a province's stations, most of them closed predecessors:
            # one partial index per branch of that OR, so PostgreSQL reads them by a BitmapOr.
            models.Index(
                fields=["opened_on"], condition=Q(status="operating"), name="capacity_station_operating"
            ),
            models.Index(fields=["closed_on"], condition=Q(status="closed"), name="capacity_station_closed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["township"], condition=~Q(status="closed"), name="capacity_one_station_per_township"
            ),
            models.CheckConstraint(
                condition=Q(contract__isnull=True) | Q(grant__isnull=True),
                name="capacity_station_one_funding",
            ),
            models.CheckConstraint(
                condition=Q(annual_amount__isnull=True)
                | (Q(annual_amount__gt=0) & (Q(contract__isnull=False) | Q(grant__isnull=False))),
                name="capacity_station_amount_with_funding",
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False) & Q(closed_on__gte=F("opened_on")))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="capacity_station_closed_on_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CertificateLevel(models.TextChoices):
    """The social worker's professional qualification (社会工作者职业资格)."""

    NONE = "none", _("未取得职业资格")
    """Works in social work without the national qualification."""
    ASSISTANT = "assistant", _("助理社会工作师")
    """初级 qualification."""
    INTERMEDIATE = "intermediate", _("社会工作师")
    """中级 qualification."""
    SENIOR = "senior", _("高级社会工作师")
    """高级 qualification."""


class SocialWorker(models.Model):
    """A social worker (社会工作者). The identity card number is personal data: pages and the API
    show only `id_number_masked`; the full number is read only by the registration authority
    through `capacity.services.worker_id_number_read`, and every such read is audited."""

    name = models.CharField(_("姓名"), max_length=60)
    id_number = models.CharField(_("身份证号（完整）"), max_length=18, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18)
    level = models.CharField(_("职业资格等级"), max_length=16, choices=CertificateLevel.choices)
    certificate_no = models.CharField(_("证书编号"), max_length=40, blank=True)
    certified_year = models.PositiveSmallIntegerField(_("取得年度"), null=True, blank=True)
    employer = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("所在社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_workers",
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("登记县市区"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("社会工作者")
        verbose_name_plural = _("社会工作者")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level="none") & Q(certificate_no="") & Q(certified_year__isnull=True))
                | (~Q(level="none") & ~Q(certificate_no="") & Q(certified_year__isnull=False)),
                name="capacity_worker_certificate_when_certified",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Posting(models.Model):
    """A social worker's posting (派驻) at a station, from `starts_on` to `ends_on` (open: still
    there). Overlaps are refused by `opengps.rules.capacity.check_posting`."""

    worker = models.ForeignKey(
        SocialWorker, verbose_name=_("社会工作者"), on_delete=models.PROTECT, related_name="postings"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="postings"
    )
    full_time = models.BooleanField(_("专职"), default=True)
    starts_on = models.DateField(_("派驻开始"))
    ends_on = models.DateField(_("派驻结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻站安排")
        verbose_name_plural = _("驻站安排")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="capacity_posting_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.station}"


class ServiceLog(models.Model):
    """A station's monthly service log (服务台账): services by domain and people served, one per
    station and month (`month` is the first day of the month)."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="service_logs"
    )
    month = models.DateField(_("月份"))
    elderly = models.PositiveIntegerField(_("养老服务（人次）"), default=0)
    children = models.PositiveIntegerField(_("儿童关爱（人次）"), default=0)
    assistance = models.PositiveIntegerField(_("社会救助（人次）"), default=0)
    community = models.PositiveIntegerField(_("社区建设（人次）"), default=0)
    other = models.PositiveIntegerField(_("其他（人次）"), default=0)
    people_served = models.PositiveIntegerField(_("服务人数"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("服务台账")
        verbose_name_plural = _("服务台账")
        ordering = ["station_id", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["station", "month"], name="capacity_one_log_per_station_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="capacity_log_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.month:%Y-%m}"

    @property
    def services(self) -> int:
        """All services of the month, every domain together (人次)."""
        return self.elderly + self.children + self.assistance + self.community + self.other


class BaseLevel(models.TextChoices):
    """The level that built an incubation base (省市县三级, seed 003)."""

    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("市州级")
    COUNTY = "county", _("县市区级")


class IncubationBase(models.Model):
    """A social-organization incubation base (社会组织孵化基地), built with the provincial subsidy
    fund since 2016 (seed 003 三之（一）), run by a social organization."""

    name = models.CharField(_("基地名称"), max_length=120)
    level = models.CharField(_("层级"), max_length=12, choices=BaseLevel.choices)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("运营机构"),
        on_delete=models.PROTECT,
        related_name="capacity_bases",
    )
    opened_on = models.DateField(_("建成日期"))
    services = models.TextField(_("服务内容"), blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("社会组织孵化基地")
        verbose_name_plural = _("社会组织孵化基地")
        ordering = ["region_id", "name"]

    def __str__(self) -> str:
        return self.name


class Subsidy(models.Model):
    """A year's allocation to a base from the provincial subsidy fund (孵化基地建设省级补助资金)."""

    base = models.ForeignKey(
        IncubationBase, verbose_name=_("孵化基地"), on_delete=models.PROTECT, related_name="subsidies"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("补助金额（元）"), max_digits=14, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("孵化基地补助")
        verbose_name_plural = _("孵化基地补助")
        ordering = ["base_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["base", "year"], name="capacity_one_subsidy_per_base_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="capacity_subsidy_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.year}"


class AssessmentGrade(models.TextChoices):
    """The grade of a base's yearly assessment (`opengps.rules.capacity.assessment_grade`)."""

    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class BaseAssessment(models.Model):
    """A base's yearly assessment (年度评估): its indicators with full marks and scores (the full
    marks add up to 100), the total and grade, and the outcome of its incubation as of the year's
    end, kept as assessed: organizations incubated, graduated, registered among the graduates, and
    graduates that won a purchase (an awarded lot or an e-mall order) after graduating."""

    base = models.ForeignKey(
        IncubationBase, verbose_name=_("孵化基地"), on_delete=models.PROTECT, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    indicators = models.JSONField(
        _("评估指标"), default=list, help_text=_("[{name, full_marks, score}]，分值为字符串")
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=12, choices=AssessmentGrade.choices)
    incubatees = models.PositiveIntegerField(_("累计入驻组织"))
    graduates = models.PositiveIntegerField(_("累计出壳组织"))
    registered = models.PositiveIntegerField(_("出壳后已登记"))
    won_purchase = models.PositiveIntegerField(_("出壳后承接政府购买服务"))
    notes = models.TextField(_("评估意见"), blank=True)
    assessed_on = models.DateField(_("评估日期"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评估人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("孵化基地年度评估")
        verbose_name_plural = _("孵化基地年度评估")
        ordering = ["base_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["base", "year"], name="capacity_one_assessment_per_base_year"),
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="capacity_assessment_total_0_100"
            ),
            models.CheckConstraint(
                condition=Q(graduates__lte=F("incubatees"))
                & Q(registered__lte=F("graduates"))
                & Q(won_purchase__lte=F("graduates")),
                name="capacity_assessment_outcomes_nested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.base} {self.year}"


class Incubatee(models.Model):
    """An organization, or a group not yet registered, incubated at a base from `entered_on` to
    `graduated_on` (出壳)."""

    base = models.ForeignKey(
        IncubationBase, verbose_name=_("孵化基地"), on_delete=models.PROTECT, related_name="incubatees"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_incubations",
    )
    group_name = models.CharField(_("未登记团队名称"), max_length=120, blank=True)
    entered_on = models.DateField(_("入驻日期"))
    graduated_on = models.DateField(_("出壳日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("入驻孵化组织")
        verbose_name_plural = _("入驻孵化组织")
        ordering = ["base_id", "-entered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(group_name=""), name="capacity_incubatee_named"
            ),
            models.CheckConstraint(
                condition=Q(graduated_on__isnull=True) | Q(graduated_on__gte=F("entered_on")),
                name="capacity_incubatee_graduated_after_entry",
            ),
        ]

    def __str__(self) -> str:
        return self.group_name or str(self.organization)


class FilingKind(models.TextChoices):
    """The five kinds of community social organizations supported first (湘民发〔2022〕42号)."""

    CONSULTATION = "consultation", _("社区协商类")
    HARMONY = "harmony", _("社区和谐类")
    SERVICE = "service", _("社区服务类")
    CULTURE_SPORTS = "culture_sports", _("社区文体类")
    HUB = "hub", _("枢纽型组织")


class CommunityFiling(models.Model):
    """A community social organization filed (备案, not registered) with the township or street;
    when it later registers, `organization` links it to the registry."""

    name = models.CharField(_("组织名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=16, choices=FilingKind.choices)
    township = models.ForeignKey(
        Township, verbose_name=_("备案乡镇（街道）"), on_delete=models.PROTECT, related_name="filings"
    )
    community = models.CharField(_("所在村（社区）"), max_length=60, blank=True)
    responsible_person = models.CharField(_("负责人"), max_length=60)
    activity_area = models.CharField(_("活动区域"), max_length=200, blank=True)
    filed_on = models.DateField(_("备案日期"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.OneToOneField(
        "registry.Organization",
        verbose_name=_("登记后的社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="community_filing",
    )
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("社区社会组织备案")
        verbose_name_plural = _("社区社会组织备案")
        ordering = ["township_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["township", "name"], name="capacity_filing_name_per_township"),
            models.CheckConstraint(
                condition=(Q(organization__isnull=True) & Q(registered_on__isnull=True))
                | (Q(organization__isnull=False) & Q(registered_on__gte=F("filed_on"))),
                name="capacity_filing_registered_after_filing",
            ),
        ]

    def __str__(self) -> str:
        return self.name


# --- service points, trainings and events, community organizations' support and activities ------


class ServicePoint(models.Model):
    """A service point (社工室) of a station in a village or community (12-digit statistical division
    code under the station's township) where the county sets one up; open from `opened_on` to
    `closed_on` (open: still serving)."""

    station = models.ForeignKey(
        Station, verbose_name=_("所属站点"), on_delete=models.PROTECT, related_name="points"
    )
    village_code = models.CharField(_("村（社区）区划代码"), max_length=12)
    village_name = models.CharField(_("村（社区）"), max_length=60)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=120, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact = models.CharField(_("联系人"), max_length=60, blank=True)
    opened_on = models.DateField(_("设立日期"))
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("社工室")
        verbose_name_plural = _("社工室")
        ordering = ["station_id", "village_code", "-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(village_code__regex=r"^[0-9]{12}$"), name="capacity_point_village_12_digits"
            ),
            models.UniqueConstraint(
                fields=["village_code"],
                condition=Q(closed_on__isnull=True),
                name="capacity_one_point_per_village",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="capacity_point_closed_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_name}社工室"


class Training(models.Model):
    """A training of social workers (人员培训) given by an incubation base or by the civil-affairs
    department of `region`, from `starts_on` to `ends_on`, worth `hours` (学时)."""

    title = models.CharField(_("培训名称"), max_length=120)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("举办区划"), on_delete=models.PROTECT, related_name="+"
    )
    base = models.ForeignKey(
        IncubationBase,
        verbose_name=_("承办孵化基地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    content = models.TextField(_("培训内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("社会工作者培训")
        verbose_name_plural = _("社会工作者培训")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="capacity_training_dates"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="capacity_training_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """A social worker's attendance at a training, crediting `hours` toward the year it ended (at
    most the training's hours; once per worker and training, so nothing counts twice)."""

    training = models.ForeignKey(
        Training, verbose_name=_("培训"), on_delete=models.PROTECT, related_name="attendances"
    )
    worker = models.ForeignKey(
        SocialWorker, verbose_name=_("社会工作者"), on_delete=models.PROTECT, related_name="attendances"
    )
    hours = models.DecimalField(_("计入学时"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        ordering = ["training_id", "worker__name"]
        constraints = [
            models.UniqueConstraint(fields=["training", "worker"], name="capacity_attend_once"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="capacity_attendance_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.training}"


class ShowcaseEvent(models.Model):
    """A 典型经验交流推介会: an event of `region` where organizations' typical experience is
    presented (by the department, or hosted by a base)."""

    title = models.CharField(_("活动名称"), max_length=120)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("举办区划"), on_delete=models.PROTECT, related_name="+"
    )
    base = models.ForeignKey(
        IncubationBase,
        verbose_name=_("承办孵化基地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="showcase_events",
    )
    held_on = models.DateField(_("举办日期"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    notes = models.TextField(_("活动情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("典型经验交流推介会")
        verbose_name_plural = _("典型经验交流推介会")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Showcase(models.Model):
    """An organization showcased at an event with its experience: a registered social organization
    or a filed community organization (one of the two)."""

    event = models.ForeignKey(
        ShowcaseEvent, verbose_name=_("推介会"), on_delete=models.PROTECT, related_name="showcases"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_showcases",
    )
    filing = models.ForeignKey(
        "CommunityFiling",
        verbose_name=_("社区社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="showcases",
    )
    experience = models.CharField(_("推介经验"), max_length=200)

    class Meta:
        verbose_name = _("推介组织")
        verbose_name_plural = _("推介组织")
        ordering = ["event_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(filing__isnull=True))
                | (Q(organization__isnull=True) & Q(filing__isnull=False)),
                name="capacity_showcase_one_subject",
            ),
            models.UniqueConstraint(fields=["event", "organization"], name="capacity_showcase_org_once"),
            models.UniqueConstraint(fields=["event", "filing"], name="capacity_showcase_filing_once"),
        ]

    def __str__(self) -> str:
        return str(self.organization or self.filing)


class SupportKind(models.TextChoices):
    """Support of a filed community organization (湘民发〔2022〕42号: 资助、奖励)."""

    FUNDING = "funding", _("资助")
    AWARD = "award", _("奖励")


class FilingSupport(models.Model):
    """A small funding or award decided for a filed community organization: the amount, its
    purpose, the decision (document number and day) and the budget line it is paid from, if any."""

    filing = models.ForeignKey(
        CommunityFiling, verbose_name=_("社区社会组织"), on_delete=models.PROTECT, related_name="supports"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=SupportKind.choices)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    purpose = models.CharField(_("用途或事由"), max_length=200)
    decision = models.CharField(_("决定文号"), max_length=60)
    decided_on = models.DateField(_("决定日期"))
    budget_line = models.ForeignKey(
        "planning.BudgetLine",
        verbose_name=_("预算指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="capacity_supports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("社区社会组织资助奖励")
        verbose_name_plural = _("社区社会组织资助奖励")
        ordering = ["filing_id", "-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="capacity_support_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.filing} {self.decision}"


class ActivityKind(models.TextChoices):
    """What a community organization's activity served."""

    CONSULTATION = "consultation", _("社区协商")
    SAFETY = "safety", _("平安建设")
    CIVILITY = "civility", _("文明创建")
    OTHER = "other", _("其他")


class FilingActivity(models.Model):
    """An activity a filed community organization held (活动记录), with the people who took part."""

    filing = models.ForeignKey(
        CommunityFiling, verbose_name=_("社区社会组织"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("活动类别"), max_length=16, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=120)
    held_on = models.DateField(_("活动日期"))
    participants = models.PositiveIntegerField(_("参与人数"), default=0)
    notes = models.TextField(_("活动情况"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))

    class Meta:
        verbose_name = _("社区社会组织活动")
        verbose_name_plural = _("社区社会组织活动")
        ordering = ["filing_id", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.title
