"""Settling profit share, as one feature: one relationship's settlement (``service``),
a batch of them in one transaction (``batch``) and the resumable run over every
relationship due at a period's end (``run``); docs/settlement.md."""
