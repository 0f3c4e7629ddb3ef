"""Small types shared across layers: one declaration each (issue 14).

``Side`` names a body side (a working leg, the side lain on, a knee); ``View`` is how the
camera sees a side-lying body (``analysis.view``); ``RuleView`` the subset a form rule can be
measured from (the routine file's ``views``); ``Finding`` a screen's answer.
"""

from __future__ import annotations

from typing import Final, Literal

Side = Literal["left", "right"]
SIDES: Final[tuple[Side, Side]] = ("left", "right")
View = Literal["front", "front_high", "diagonal", "feet", "unknown"]
RuleView = Literal["front", "front_high", "diagonal"]
Finding = Literal["positive", "negative", "cannot_rule_out", "inconclusive"]
