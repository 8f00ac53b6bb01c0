"""The three campaigns: each a plan (who and why, visible first) and a run under the ledger and the breaker."""
