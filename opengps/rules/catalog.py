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
    "deposits",
    "contracts",
    "eligibility",
    "compliance",
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
    """Call ``module.function`` with positional arguments parsed by the function's type hints."""
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
    positional = [
        p for p in inspect.signature(function).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    if len(texts) > len(positional):
        raise RuleError(
            "rules.too_many_arguments",
            f"{function_path} 最多接受 {len(positional)} 个参数",
            f"{function_path} takes at most {len(positional)} arguments",
        )
    arguments = {p.name: _convert(t, hints.get(p.name, str), p.name) for p, t in zip(positional, texts, strict=False)}
    result = function(**arguments)
    value = getattr(result, "value", result)
    citation = str(getattr(result, "citation", ""))
    return Evaluation(function_path, arguments, value, citation)
