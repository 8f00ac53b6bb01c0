"""Pieces every layer shares: settings, errors, URLs and the clock. Imports no other layer."""
