"""Forms of the evaluation screens: one per action URL; they parse input, the services decide.

Fields are named as the services name them, so a refusal lands beside the field it concerns. The
evaluation page holds many forms, so each gives its inputs ids of its own (`auto_id`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opengps.core import forms as core_forms
from opengps.core.errors import ServiceError
from opengps.core.forms import ServiceErrorFormMixin
from opengps.core.inputs import BIGINT_MAX, INT32_MAX
from opengps.evaluation.models import Evaluation, Factor, ReviewKind
from opengps.evaluation.services import qualified_readouts
from opengps.procurement.models import BidReadout

YES_NO_PASSED = [("1", _("通过")), ("0", _("不通过"))]
CONFLICT_CHOICES = [("1", _("本人与上述投标人不存在回避情形")), ("0", _("申请回避"))]


def _is_yes(value: str) -> bool:
    return value == "1"


class ActionForm(core_forms.ActionForm):
    """Base of the evaluation page's forms (ids prefixed by the action, errors shown in the posted
    row: `opengps.core.forms.ActionForm`); a form posted from one row of a list names an award, a
    shortlist or a deposit. `evaluation` is the evaluation the form acts on (a form whose fields
    depend on it, the scores, builds them from it)."""

    def __init__(self, *args: Any, evaluation: Evaluation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.evaluation = evaluation


class ConfirmForm(ActionForm):
    """A button with nothing to fill in; a refusal shows above the button."""


class ReportForm(ConfirmForm):
    """Build the evaluation report (a member or an official)."""

    action = "report"


class SignForm(ConfirmForm):
    """A member confirms (signs) the report."""

    action = "sign"


class AnnounceForm(ConfirmForm):
    """Announce the result and send the award notices."""

    action = "announce"


class ShortlistAnnounceForm(ConfirmForm):
    """Announce a framework agreement's shortlist (入围结果公告)."""

    action = "shortlist_announce"


class ConflictForm(ActionForm):
    """A member confirms having no conflict with the bidders, or recuses with a reason."""

    action = "conflict"
    no_conflict = forms.TypedChoiceField(
        label=_("回避情况"), choices=CONFLICT_CHOICES, coerce=_is_yes, widget=forms.RadioSelect, initial="1"
    )
    reason = forms.CharField(label=_("回避原因"), required=False, max_length=2000)


class ReviewForm(ActionForm):
    """The committee's pass/fail on one requirement for one bid."""

    action = "review"
    readout = forms.IntegerField(label=_("投标人"), min_value=1, max_value=BIGINT_MAX)
    kind = forms.ChoiceField(label=_("审查类型"), choices=ReviewKind.choices)
    requirement = forms.CharField(label=_("审查要求"), required=False, max_length=200)
    passed = forms.TypedChoiceField(label=_("结论"), choices=YES_NO_PASSED, coerce=_is_yes)
    reason = forms.CharField(label=_("理由"), required=False, max_length=2000)


class ScoresForm(ActionForm):
    """A member's independent scores: one field ``score-<bid>-<factor>`` per qualified bid and factor.

    Built from the evaluation (its qualified bids and factors); a refusal naming one score
    (``scores.<bid>.<factor>``) lands beside that score."""

    action = "scores"

    def __init__(self, *args: Any, evaluation: Evaluation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, evaluation=evaluation, **kwargs)
        self.bids: list[BidReadout] = qualified_readouts(evaluation) if evaluation is not None else []
        self.factors: list[Factor] = list(evaluation.factors.all()) if evaluation is not None else []
        for bid in self.bids:
            for factor in self.factors:
                self.fields[self.field_name(bid.pk, factor.code)] = forms.DecimalField(
                    label=factor.name,
                    max_digits=7,
                    decimal_places=2,
                    error_messages={"required": _("请填写得分")},
                    widget=forms.TextInput(
                        attrs={"size": 6, "inputmode": "decimal", "aria-label": str(factor.name)}
                    ),
                )

    @staticmethod
    def field_name(readout_id: int, code: str) -> str:
        return f"score-{readout_id}-{code}"

    @property
    def rows(self) -> list[tuple[BidReadout, list[tuple[Factor, forms.BoundField]]]]:
        """Each bid with its (factor, score field) cells, in the page's order."""
        return [
            (bid, [(factor, self[self.field_name(bid.pk, factor.code)]) for factor in self.factors])
            for bid in self.bids
        ]

    def scores(self) -> dict[int, dict[str, Decimal]]:
        """The cleaned scores as the service takes them: bid id → factor code → points."""
        return {
            bid.pk: {
                factor.code: self.cleaned_data[self.field_name(bid.pk, factor.code)]
                for factor in self.factors
            }
            for bid in self.bids
        }

    def add_service_error(self, exc: ServiceError) -> None:
        parts = (exc.field or "").split(".", 2)
        if len(parts) == 3 and parts[0] == "scores":
            name = f"score-{parts[1]}-{parts[2]}"
            if name in self.fields:
                self.add_error(name, exc.text())
                return
        super().add_service_error(exc)


class AwardConfirmForm(ActionForm):
    """The purchaser confirms the first-ranked candidate of one award (row: the award)."""

    action = "confirm"
    row_field = "award"
    award = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=BIGINT_MAX)


class CallOffForm(ActionForm):
    """Award a framework call-off (第二阶段成交) on one shortlist (row: the shortlist)."""

    action = "call_off"
    row_field = "shortlist"
    shortlist = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=BIGINT_MAX)
    description = forms.CharField(label=_("采购内容"), required=False, max_length=200)
    amount = forms.CharField(
        label=_("成交金额（元）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    member_rank = forms.IntegerField(label=_("直接选定"), required=False, min_value=1, max_value=INT32_MAX)


class DepositReturnForm(ActionForm):
    """Record that a bid deposit was returned (row: the deposit)."""

    action = "deposit_returned"
    row_field = "deposit"
    deposit = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=BIGINT_MAX)
    returned_on = forms.DateField(label=_("退还日期"), widget=forms.DateInput(attrs={"type": "date"}))
    contract_signed_on = forms.DateField(
        label=_("合同签订日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class CallOffPublishForm(ServiceErrorFormMixin, forms.Form):
    """Publish one call-off result (成交结果单笔公告, 财政部令第110号 第三十五条)."""

    late_reason = forms.CharField(
        label=_("逾期公告原因（超过期限时必填）"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
