"""The time bank: hours of help kept in a double-entry ledger."""
