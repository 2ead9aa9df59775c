"""Retention and disposal of records."""
