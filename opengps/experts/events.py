"""The experts app's audit events (STYLE: events as data): each action its services record, with
the label timelines show and, where the action publishes open data, its OCDS release tag."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from opengps.core.events import DomainEvent


class Event(DomainEvent):
    """Audit actions the experts app records."""

    DRAW_CREATED = "draw.created", _("抽取评审专家")
    DRAW_MEMBER_ACCEPTED = "draw.member_accepted", _("专家接受抽取")
    DRAW_MEMBER_DECLINED = "draw.member_declined", _("专家拒绝抽取")
    DRAW_MEMBER_RECUSED = "draw.member_recused", _("专家回避")
    EXPERT_AFFILIATION_ADDED = "expert.affiliation_added", _("登记专家任职单位")
    EXPERT_REGISTERED = "expert.registered", _("专家入库")
    EXPERT_RELATION_DECLARED = "expert.relation_declared", _("专家申报利害关系")
    EXPERT_UPDATED = "expert.updated", _("修改专家信息")
