"""Use cases: the only caller of the store; owns transactions, locks and lifecycle rules."""
