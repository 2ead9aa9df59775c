"""Phonetic keys of names (Soundex, from jellyfish), stored beside the names so a misspelt name
finds the child on any database; PostgreSQL adds trigram similarity on top (referrals.matching)."""

import unicodedata

import jellyfish


def normalise(name: str) -> str:
    """Lower case, no accents or punctuation, single spaces ("O'Neill-Smith": "oneill smith")."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    kept = "".join(c if c.isalnum() or c.isspace() else ("" if c == "'" else " ") for c in plain)
    return " ".join(kept.lower().split())


def name_key(name: str) -> str:
    """The Soundex code of a name's first word ("" for no name)."""
    words = normalise(name).split()
    return jellyfish.soundex(words[0]) if words else ""


def normalise_postcode(postcode: str) -> str:
    """Upper case with one space before the inward code: "l36 9xx" -> "L36 9XX"."""
    compact = "".join(postcode.split()).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
