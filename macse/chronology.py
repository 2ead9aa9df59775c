"""MACSE's events in a child's chronology (shield/chronology.py): hearings and their decisions,
agreed plan versions and plan actions. To be written."""


def register_sources() -> None:
    """Adds MACSE's sources to the chronology's registry (called from MacseConfig.ready)."""
