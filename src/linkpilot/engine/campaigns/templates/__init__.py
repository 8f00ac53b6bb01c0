"""Shipped birthday message templates (package data): <kind>.<language>.<name>.txt files."""
