"""Fair block execution (docs/domain.md "Block execution"): a provider's order and all
of its copies executed as one block and allocated pro rata at one average price."""
