"""Normalised keys for the things intelligence is about: vehicles, phones, online handles,
postcodes and people's names, so the same thing typed differently is recognised (issue 8 item 4).

Pure functions, no database. Each returns a `Normalised`: `key` is what matching compares,
`display` the tidy form to show. Malformed input is never refused: a partial plate or a half
remembered number is still intelligence, so it is kept (the key made as well as possible from
what was typed) and flagged with `valid=False` and a plain-English `problem`.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import phonenumbers

from referrals.matching_keys import name_key, normalise, normalise_postcode


@dataclass(frozen=True)
class Normalised:
    key: str
    display: str
    valid: bool
    problem: str = ""
    partial: bool = False  # registrations only: some characters unknown, still valid intelligence


def _ascii_upper(text: str) -> str:
    """Upper case with accents and look-alike forms (full-width letters) folded to ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def _tidy(text: str) -> str:
    """What was typed, trimmed, with runs of whitespace made single spaces."""
    return " ".join(text.split())


# Vehicle registrations ------------------------------------------------------------------------

UNKNOWN = "?"  # one unknown character in a registration key; "*" is accepted when typed
MAX_REGISTRATION = 7

# Shapes of the dated UK formats, L a letter and D a digit, with where the display space goes:
# current "AB12 CDE" (2001-), prefix "A123 BCD" (1983-2001), suffix "ABC 123D" (1963-1983).
_DATED = [
    ("LLDDLLL", 4),
    ("LDLLL", 2),
    ("LDDLLL", 3),
    ("LDDDLLL", 4),
    ("LLLDL", 3),
    ("LLLDDL", 3),
    ("LLLDDDL", 3),
]
# Dateless (cherished and Northern Ireland) plates: 1-3 letters and 1-4 digits, either way round.
_DATELESS = [
    ("L" * letters + "D" * digits, letters) for letters in (1, 2, 3) for digits in (1, 2, 3, 4)
]
_DATELESS += [
    ("D" * digits + "L" * letters, digits) for letters in (1, 2, 3) for digits in (1, 2, 3, 4)
]


def _fits(key: str, shape: str, whole: bool) -> bool:
    """Whether the key fits the shape, all of it (whole) or a leading part; "?" fits anything."""
    if len(key) > len(shape) or (whole and len(key) != len(shape)):
        return False
    return all(
        c == UNKNOWN or (c.isalpha() if s == "L" else c.isdigit())
        for c, s in zip(key, shape, strict=False)
    )


def _spaced(key: str, split: int) -> str:
    return f"{key[:split]} {key[split:]}" if len(key) > split else key


def _registration_key(text: str) -> str:
    folded = _ascii_upper(text).replace("*", UNKNOWN)
    return "".join(c for c in folded if c == UNKNOWN or ("A" <= c <= "Z") or c.isdigit())


def _is_fragment(key: str) -> bool:
    """A leading part of a dated registration, shorter than the whole ("AB12", "ABC12")."""
    return any(len(key) < len(shape) and _fits(key, shape, whole=False) for shape, _ in _DATED)


def _shaped(key: str) -> tuple[str, bool] | None:
    """The display of a key in a UK format or a part of one, and whether partial; else None."""
    known = UNKNOWN not in key
    for shape, split in _DATED:
        if known and _fits(key, shape, whole=True):
            return _spaced(key, split), False
    fragment = _is_fragment(key)
    if fragment or not known:  # a fragment is shown as the dated format it begins
        for shape, split in _DATED + _DATELESS:
            if _fits(key, shape, whole=not fragment):
                return _spaced(key, split), True
    for shape, split in _DATELESS:
        if known and _fits(key, shape, whole=True):
            return _spaced(key, split), False
    return None


def registration(text: str) -> Normalised:
    """A vehicle registration: key upper case without spaces or punctuation ("AB12CDE"),
    display in the UK form ("AB12 CDE", "A123 BCD", "ABC 123D", "ABC 123").

    A registration with unknown characters ("AB12 C??", "*" also meaning one unknown) or only
    its beginning ("AB12") is a partial: valid, with `partial=True`. A leading part of a dated
    format is read as a partial even when it could also be a whole dateless plate ("AB12",
    "ABC 123"): nothing is lost, as a fragment matches the plate equal to it too.
    """
    key = _registration_key(text)
    typed = _tidy(_ascii_upper(text))
    if not key:
        return Normalised("", typed, False, "No letters or digits were given.")
    if key.count(UNKNOWN) == len(key):
        return Normalised(key, typed, False, "None of the characters is known.")
    shaped = _shaped(key)
    if shaped:
        display, partial = shaped
        return Normalised(key, display, True, partial=partial)
    if len(key) > MAX_REGISTRATION:
        problem = f"Longer than any UK registration (at most {MAX_REGISTRATION} characters)."
    else:
        problem = "The letters and digits are not in the order of any UK registration."
    return Normalised(key, typed, False, f"{problem} Kept as typed.")


def registration_matches(partial_key: str, full_key: str) -> bool:
    """Whether two registrations may be the same car: "?" on either side is any one character
    and a fragment ("AB12") may be the beginning of the other. Two complete registrations match
    only when equal. Symmetric; takes keys or typed text."""
    one, other = registration(partial_key), registration(full_key)
    if not one.key or not other.key:
        return False
    if not one.partial and not other.partial:
        return one.key == other.key
    shorter, longer = sorted((one.key, other.key), key=len)
    if len(shorter) < len(longer) and not _is_fragment(shorter):
        return False
    return all(a == b or UNKNOWN in (a, b) for a, b in zip(shorter, longer, strict=False))


def registration_like_pattern(partial_key: str) -> str:
    """A SQL LIKE pattern finding the stored keys at least as long as this registration that it
    may match: "?" becomes "_" and a fragment gets a trailing "%" ("AB12C??" -> "AB12C__",
    "AB12" -> "AB12%"); a complete registration is itself (equality). Stored keys holding "?"
    themselves, or shorter than this one, are found by `registration_prefixes` instead.
    Candidates are confirmed with `registration_matches`.

    Needs a btree index on the key that serves prefix LIKE: on PostgreSQL (non-C collation)
    `models.Index(fields=["key"], opclasses=["varchar_pattern_ops"], name=...)`. The index is
    used for the known characters before the first "_" or "%"; a pattern starting with an
    unknown character ("?B12CDE") cannot use it and scans. Keys hold only A-Z, 0-9 and "?",
    so there is nothing to escape. Django has no LIKE lookup: use a custom Lookup or RawSQL.
    """
    found = registration(partial_key)
    pattern = found.key.replace(UNKNOWN, "_")
    return f"{pattern}%" if _is_fragment(found.key) else pattern


def registration_known_prefix(key: str) -> str:
    """The characters of a key before its first unknown one ("AB12C??" -> "AB12C"); to be
    stored beside a partial's key (with a plain btree index) for `registration_prefixes`."""
    return registration(key).key.partition(UNKNOWN)[0]


def registration_prefixes(key: str) -> list[str]:
    """Every leading part of a key's known prefix, from the empty one ("AB12CDE" -> "", "A",
    "AB", ..., "AB12CDE"), for the other direction: stored partials whose known prefix is one of
    these (`known_prefix__in=...`, indexed) are the stored fragments and partials with unknown
    characters that this registration may match; confirm with `registration_matches`.

    With the LIKE pattern this finds every match of a complete registration or a fragment. A
    pair where both have unknown characters, each where the other has a known one ("A?12CDE",
    "AB1?CDE"), is found by neither: such pairs are rare and need a scan of the partials."""
    known = registration_known_prefix(key)
    return [known[:end] for end in range(len(known) + 1)]


# Phone numbers --------------------------------------------------------------------------------

# Ofcom reserves these ranges for drama; the phonenumbers metadata calls them invalid because they
# are never assigned, but every fictional number in demo and training data comes from them (D15).
# National significant numbers: 07700 900000-900999 and 01632 960000-960999.
_DRAMA_PREFIXES = ("7700900", "1632960")

_PHONE_REASONS = {
    phonenumbers.ValidationResult.TOO_SHORT: "Too short for a phone number.",
    phonenumbers.ValidationResult.TOO_LONG: "Too long for a phone number.",
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "The country code is not recognised.",
    phonenumbers.ValidationResult.INVALID_LENGTH: "The wrong number of digits for that country.",
}


def _is_drama(number: phonenumbers.PhoneNumber) -> bool:
    national = str(number.national_number)
    return number.country_code == 44 and len(national) == 10 and national[:7] in _DRAMA_PREFIXES


def phone(text: str, region: str = "GB") -> Normalised:
    """A phone number: key in E.164 ("0151 496 0123" -> "+441514960123"), display in the national
    format for UK numbers and the international one otherwise. A number that is not valid keeps
    its digits as the key and is flagged."""
    typed = _tidy(text)
    digits = "".join(c for c in typed if c.isdigit())
    if not digits:
        return Normalised("", typed, False, "No digits were given.")
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        return Normalised(digits, typed, False, "Not recognised as a phone number. Kept as typed.")
    if not (phonenumbers.is_valid_number(number) or _is_drama(number)):
        reason = _PHONE_REASONS.get(
            phonenumbers.is_possible_number_with_reason(number),
            "Not a valid number: digits may be missing or mistyped.",
        )
        return Normalised(digits, typed, False, f"{reason} Kept as typed.")
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return Normalised(
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(number, style),
        True,
    )


# Online handles -------------------------------------------------------------------------------

PLATFORMS = {
    "snapchat": "Snapchat",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "facebook": "Facebook",
    "whatsapp": "WhatsApp",
    "x": "X (Twitter)",
    "telegram": "Telegram",
    "discord": "Discord",
    "other": "Other",
}
_PLATFORM_ALIASES = {
    "snap": "snapchat",
    "insta": "instagram",
    "ig": "instagram",
    "fb": "facebook",
    "messenger": "facebook",
    "facebookmessenger": "facebook",
    "wa": "whatsapp",
    "twitter": "x",
    "xtwitter": "x",
    "tg": "telegram",
}
# Registered domain (last two labels of the host) -> platform.
_PLATFORM_HOSTS = {
    "snapchat.com": "snapchat",
    "instagram.com": "instagram",
    "instagr.am": "instagram",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "whatsapp.com": "whatsapp",
    "wa.me": "whatsapp",
    "x.com": "x",
    "twitter.com": "x",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "discord.com": "discord",
    "discordapp.com": "discord",
}
# The characters each platform allows in a username (after lower-casing).
_HANDLE_CHARACTERS = {
    "snapchat": re.compile(r"[a-z0-9._-]+"),
    "instagram": re.compile(r"[a-z0-9._]+"),
    "tiktok": re.compile(r"[a-z0-9._]+"),
    "facebook": re.compile(r"[a-z0-9.]+"),
    "x": re.compile(r"[a-z0-9_]+"),
    "telegram": re.compile(r"[a-z0-9_]+"),
    "discord": re.compile(r"[a-z0-9._]+"),
}
# A link: with a scheme, or a bare domain followed by a path ("instagram.com/some.name").
_URL = re.compile(r"^(?:https?://\S+|(?:[\w-]+\.)+[a-z]{2,}/\S*)$", re.IGNORECASE)


def platform_code(text: str) -> str:
    """The short code of a platform as typed ("Insta", "Twitter", "Tik Tok"); "other" if unknown."""
    squashed = "".join(c for c in text.lower() if c.isalnum())
    squashed = _PLATFORM_ALIASES.get(squashed, squashed)
    return squashed if squashed in PLATFORMS else "other"


def _from_url(text: str) -> tuple[str | None, str]:
    """The platform a profile link is on (None if not one we know) and the username in it."""
    parts = urlsplit(text if "://" in text else f"https://{text}")
    host = (parts.hostname or "").lower()
    platform = _PLATFORM_HOSTS.get(".".join(host.split(".")[-2:]))
    segments = [s for s in parts.path.split("/") if s]
    first = segments[0] if segments else ""
    second = segments[1] if len(segments) > 1 else ""
    if platform == "facebook" and first == "profile.php":
        return platform, parse_qs(parts.query).get("id", [""])[0]
    if platform == "facebook" and first == "people":
        return platform, segments[-1]
    if (platform, first) in {
        ("snapchat", "add"),
        ("instagram", "stories"),
        ("discord", "users"),
        ("telegram", "s"),
    }:
        return platform, second
    if platform == "whatsapp" and first.isdigit():  # wa.me/447700900123: international digits
        return platform, f"+{first}"
    if platform is None:  # a site we do not know: keep the site with the name
        return None, f"{host.removeprefix('www.')}/{first}" if first else host
    return platform, first


def handle(platform: str, text: str) -> Normalised:
    """An online handle: key f"{platform}:{handle}", the platform as a code of `PLATFORMS` and
    the handle lower case without the leading "@" ("@Some.Name" -> "instagram:some.name").
    A profile link is reduced to its username ("https://www.instagram.com/Some.Name/" ->
    "some.name") and its site decides the platform. WhatsApp handles are phone numbers (E.164)."""
    code = platform_code(platform)
    typed = _tidy(unicodedata.normalize("NFKC", text))
    named = _tidy(platform)  # an unlisted platform is shown by the name typed ("Kik: ...")
    label = named if code == "other" and named.lower() not in ("", "other") else PLATFORMS[code]
    name = typed
    if _URL.match(typed):
        url_platform, name = _from_url(typed)
        if url_platform:
            code, label = url_platform, PLATFORMS[url_platform]
    name = name.strip().lstrip("@").strip().lower()
    if not name:
        return Normalised(f"{code}:", typed, False, "No username was given.")
    problem = ""
    if code == "whatsapp":
        number = phone(name)
        if number.valid:
            return Normalised(f"{code}:{number.key}", f"{label}: {number.display}", True)
        problem = f"WhatsApp accounts are phone numbers: {number.problem}"
    elif code in _HANDLE_CHARACTERS and not _HANDLE_CHARACTERS[code].fullmatch(name):
        odd = sorted({c for c in name if not _HANDLE_CHARACTERS[code].fullmatch(c)})
        shown = ", ".join("spaces" if c == " " else f'"{c}"' for c in odd)
        problem = (
            f"{label} usernames cannot contain {shown}: perhaps a display name. Kept as typed."
        )
    return Normalised(f"{code}:{name}", f"{label}: {name}", not problem, problem)


# Postcodes ------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"(?:GIR0AA|[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2})")
_OUTWARD = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")


def postcode(text: str) -> Normalised:
    """A UK postcode, upper case with one space before the last three characters ("l369xx" ->
    "L36 9XX"). A district alone ("L36") or anything else is kept (key without spaces) and
    flagged."""
    typed = _tidy(_ascii_upper(text))
    compact = "".join(c for c in typed if ("A" <= c <= "Z") or c.isdigit())
    if not compact:
        return Normalised("", typed, False, "No letters or digits were given.")
    if _POSTCODE.fullmatch(compact):
        formatted = normalise_postcode(compact)
        return Normalised(formatted, formatted, True)
    if _OUTWARD.fullmatch(compact):
        return Normalised(compact, compact, False, "Only the district (first half) was given.")
    return Normalised(
        compact, typed, False, "Not in the form of a UK postcode (like L36 9XX). Kept as typed."
    )


def postcode_district(key: str) -> str:
    """The district (outward code) for area matching ("L36 9XX" -> "L36"); "" if there is none.
    Takes a key or typed text; for a malformed postcode, the first word typed if it is one."""
    found = postcode(key)
    if found.valid:
        return found.key.split()[0]
    first = found.display.split()[0] if found.display else ""
    return first if _OUTWARD.fullmatch(first) else ""


# People's names -------------------------------------------------------------------------------


def person_name_key(text: str) -> str:
    """The matching key of a name, alias or nickname: lower case, accents and punctuation removed,
    single spaces ("  Zoë  O'Neill " -> "zoe oneill"); the same rule as the child register."""
    return normalise(text)


def person_sound_key(text: str) -> str:
    """The sounds-alike (Soundex) key of a name's first word, as the child register stores."""
    return name_key(text)


def person_name(text: str) -> Normalised:
    """A name, alias or nickname: key from `person_name_key`, display as typed, trimmed."""
    key = person_name_key(text)
    if not key:
        return Normalised("", _tidy(text), False, "No letters or digits were given.")
    return Normalised(key, _tidy(text), True)
