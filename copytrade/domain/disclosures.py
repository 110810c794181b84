"""The texts docs/api.md, Rules a follow must pass requires: shown on performance pages and
accepted before a follow."""

from __future__ import annotations

PAST_PERFORMANCE = (
    "Past results do not guarantee future results. Copy trading carries a high risk of "
    "losing money: only allocate what you can afford to lose."
)

RISK_DISCLOSURE_VERSION = "2026-11"
RISK_DISCLOSURE = (
    "I understand that copying a provider places orders in my allocation automatically; "
    "that crypto derivatives are volatile and leverage multiplies losses; that past results "
    "do not guarantee future results; that copies can fill at worse prices than the "
    "provider's, or be skipped by my risk settings; and that I can lose my whole allocation."
)
