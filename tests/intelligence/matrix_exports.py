"""The permission matrix's rows for intelligence: exports."""

ROWS: dict = {}
NAMES = {name for name, _ in ROWS}


def url(name: str) -> str | None:
    if name not in NAMES:
        return None
    return None
