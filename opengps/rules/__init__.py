"""Pure legal rules of government purchase of services: each value cites its article.

Nothing here imports Django; every function takes plain values (dates, Decimals, enums)
and returns a `Ruled` value or raises a `RuleError` with a stable code.
"""

from opengps.rules.base import Citation, EffectiveValue, Reason, Ruled, RuleError, RuleInfo, value_on

__all__ = ["Citation", "EffectiveValue", "Reason", "RuleError", "RuleInfo", "Ruled", "value_on"]
