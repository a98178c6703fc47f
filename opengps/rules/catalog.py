"""Every rule in one list, read from each module's ``RULES``; used by /rules/ and the CLI.

`explain()` also evaluates a rule function on arguments given as text, so an official can see
exactly what the platform applies (``opengps rules explain deadlines.earliest_bid_deadline
open_tender 2025-09-25``).
"""

from __future__ import annotations

import importlib
import inspect
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from opengps.rules.base import RuleError, RuleInfo

MODULES = (
    "calendar",
    "procedures",
    "deadlines",
    "jurisdictions",
    "methods",
    "scoring",
    "committee",
    "framework",
    "deposits",
    "contracts",
    "eligibility",
    "compliance",
    "grants",
    "emall",
    "emall_disclosure",
    "performance",
    "residents",
    "assessment",
    "redflags",
)


def all_rules() -> tuple[RuleInfo, ...]:
    """Every documented rule, in lifecycle order of the modules."""
    rules: list[RuleInfo] = []
    for name in MODULES:
        module = importlib.import_module(f"opengps.rules.{name}")
        rules.extend(getattr(module, "RULES", ()))
    return tuple(rules)


def find_rule(name: str) -> RuleInfo:
    for rule in all_rules():
        if rule.name == name:
            return rule
    raise RuleError(
        "rules.unknown_rule",
        f"没有名为“{name}”的规则",
        f"No rule named '{name}'",
        params={"name": name},
    )


@dataclass(frozen=True)
class Evaluation:
    function: str
    arguments: dict[str, object]
    value: object
    citation: str


def _convert(text: str, annotation: Any, parameter: str) -> object:
    options = typing.get_args(annotation) or (annotation,)
    for option in options:
        if option is type(None):
            continue
        try:
            if option is date:
                return date.fromisoformat(text)
            if option is Decimal:
                return Decimal(text)
            if option is int:
                return int(text)
            if option is bool:
                return text.lower() in {"1", "true", "yes", "是"}
            if isinstance(option, type) and issubclass(option, Enum):
                return option(text)
        except (ValueError, InvalidOperation):
            continue
        if option is str:
            return text
    raise RuleError(
        "rules.bad_argument",
        f"参数 {parameter} 的值“{text}”无法识别",
        f"Cannot read '{text}' for argument {parameter}",
        params={"parameter": parameter, "value": text},
    )


def evaluate(function_path: str, texts: list[str]) -> Evaluation:
    """Call ``module.function`` with arguments parsed by the function's type hints.

    Plain texts fill the positional parameters in order; ``name=value`` texts set any parameter
    by name (keyword-only ones included), e.g. ``multi_year_conditions=yes``.
    """
    module_name, _, func_name = function_path.partition(".")
    if module_name not in MODULES or not func_name or func_name.startswith("_"):
        raise RuleError(
            "rules.unknown_function",
            f"无法求值“{function_path}”：请写成 模块.函数",
            f"Cannot evaluate '{function_path}': use module.function",
        )
    module = importlib.import_module(f"opengps.rules.{module_name}")
    function = getattr(module, func_name, None)
    if not callable(function):
        raise RuleError(
            "rules.unknown_function",
            f"模块 {module_name} 中没有函数 {func_name}",
            f"Module {module_name} has no function {func_name}",
        )
    hints = typing.get_type_hints(function)
    parameters = inspect.signature(function).parameters
    positional = [p for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    plain = [t for t in texts if "=" not in t]
    named = dict(t.split("=", 1) for t in texts if "=" in t)
    if len(plain) > len(positional):
        raise RuleError(
            "rules.too_many_arguments",
            f"{function_path} 最多接受 {len(positional)} 个位置参数",
            f"{function_path} takes at most {len(positional)} positional arguments",
        )
    unknown = sorted(set(named) - set(parameters))
    if unknown:
        raise RuleError(
            "rules.bad_argument",
            f"{function_path} 没有参数 {', '.join(unknown)}",
            f"{function_path} has no parameter {', '.join(unknown)}",
            params={"parameters": unknown},
        )
    pairs = [(p.name, t) for p, t in zip(positional, plain, strict=False)] + list(named.items())
    arguments = {name: _convert(text, hints.get(name, str), name) for name, text in pairs}
    result = function(**arguments)
    value = getattr(result, "value", result)
    citation = str(getattr(result, "citation", ""))
    return Evaluation(function_path, arguments, value, citation)
