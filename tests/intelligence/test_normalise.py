"""Normalised keys of intelligence entities (issue 8 item 4): the same plate, phone, handle or
postcode typed differently gives one key; malformed input is kept and flagged, never refused.
All values fictional (D15): drama-range phone numbers, made-up postcodes, plates and handles."""

import dataclasses
import re

import pytest

from intelligence.normalise import (
    PLATFORMS,
    Normalised,
    handle,
    person_name,
    person_name_key,
    person_sound_key,
    phone,
    platform_code,
    postcode,
    postcode_district,
    registration,
    registration_known_prefix,
    registration_like_pattern,
    registration_matches,
    registration_prefixes,
)


def test_normalised_is_frozen():
    found = registration("AB12 CDE")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.key = "other"


# Registrations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("AB12 CDE", "AB12CDE", "AB12 CDE"),  # current format
        ("ab12cde", "AB12CDE", "AB12 CDE"),
        ("  ab-12 c.d.e ", "AB12CDE", "AB12 CDE"),
        ("QX71ZZQ", "QX71ZZQ", "QX71 ZZQ"),
        ("a123 bcd", "A123BCD", "A123 BCD"),  # prefix format
        ("Q7XYZ", "Q7XYZ", "Q7 XYZ"),
        ("abc123d", "ABC123D", "ABC 123D"),  # suffix format
        ("XYZ 9Q", "XYZ9Q", "XYZ 9Q"),
        ("QZ 4321", "QZ4321", "QZ 4321"),  # dateless
        ("1234 QZ", "1234QZ", "1234 QZ"),
        ("qzx 9876", "QZX9876", "QZX 9876"),  # Northern Ireland style
    ],
)
def test_registration_complete(typed, key, display):
    assert registration(typed) == Normalised(key, display, True, "", partial=False)


@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("AB12 C??", "AB12C??", "AB12 C??"),
        ("ab12 c**", "AB12C??", "AB12 C??"),  # "*" is one unknown character too
        ("?B12 CDE", "?B12CDE", "?B12 CDE"),
        ("AB12", "AB12", "AB12"),  # only the beginning was seen
        ("ab12 c", "AB12C", "AB12 C"),
        ("ABC 12", "ABC12", "ABC 12"),  # beginning of a suffix plate
        ("A12 B", "A12B", "A12 B"),  # beginning of a prefix plate
    ],
)
def test_registration_partial_is_valid_intelligence(typed, key, display):
    found = registration(typed)
    assert (found.key, found.display, found.valid, found.partial) == (key, display, True, True)
    assert found.problem == ""


@pytest.mark.parametrize(
    ("typed", "key", "problem"),
    [
        ("AB12 CDEF", "AB12CDEF", "Longer than any UK registration"),
        ("12 AB 34", "12AB34", "not in the order of any UK registration"),
        ("???", "???", "None of the characters is known"),
        ("  - ", "", "No letters or digits"),
    ],
)
def test_registration_malformed_is_kept_and_flagged(typed, key, problem):
    found = registration(typed)
    assert found.key == key
    assert found.valid is False
    assert found.partial is False
    assert problem in found.problem


def test_registration_key_is_stable():
    for typed in ("ab12 cde", "AB12 C??", "ab12", "12 AB 34"):
        key = registration(typed).key
        assert registration(key).key == key


@pytest.mark.parametrize(
    ("one", "other", "matches"),
    [
        ("AB12C??", "AB12CDE", True),
        ("AB12CDE", "AB12C??", True),  # both ways round
        ("AB12", "AB12CDE", True),
        ("AB12CDE", "AB12", True),
        ("ab12 c", "AB12 CDE", True),  # typed text works as well as keys
        ("?B12CDE", "AB12CDE", True),
        ("AB12", "AB12C??", True),  # two partials that may be one car
        ("AB13", "AB12CDE", False),
        ("AB12C??", "AB12DDE", False),
        ("AB12CD?", "AB12CDEF", False),  # a full-length partial is no fragment
        ("AB12CDE", "AB12CDE", True),  # two complete plates: only when equal
        ("AB12CDE", "AB12CDF", False),
        ("QZX4321", "QZX432", True),  # "QZX432" may be the start of a suffix plate
        ("QZ4321", "QZ432", False),  # two complete dateless plates
        ("QZ4321", "QZ43210", False),
        ("", "AB12CDE", False),
    ],
)
def test_registration_matches(one, other, matches):
    assert registration_matches(one, other) is matches


@pytest.mark.parametrize(
    ("key", "pattern"),
    [
        ("AB12C??", "AB12C__"),
        ("AB12", "AB12%"),
        ("AB1?", "AB1_%"),
        ("AB12CDE", "AB12CDE"),
        ("ab12 cde", "AB12CDE"),
    ],
)
def test_registration_like_pattern(key, pattern):
    assert registration_like_pattern(key) == pattern


STORED = ["AB12CDE", "AB12CDF", "AB12DDE", "AB13CDE", "XAB12CD", "AB12", "AB1?CDE", "?B12CDE"]


def _candidates(key: str) -> set[str]:
    """What the two indexed queries return, run in Python: LIKE on the key, and known prefix IN."""
    like = registration_like_pattern(key)
    regex = re.compile(re.escape(like).replace("_", ".").replace("%", ".*"))
    prefixes = registration_prefixes(key)
    return {
        stored
        for stored in STORED
        if regex.fullmatch(stored)
        or (registration(stored).partial and registration_known_prefix(stored) in prefixes)
    }


@pytest.mark.parametrize("key", ["AB12CDE", "AB12CDF", "AB12", "AB1", "AB12C??", "AB12C?E"])
def test_indexed_candidates_include_every_match(key):
    matches = {stored for stored in STORED if registration_matches(key, stored)}
    candidates = _candidates(key)
    assert matches  # each key matches something, so the comparison is not vacuous
    assert matches <= candidates
    assert "XAB12CD" not in candidates  # the index narrows the search


def test_indexed_candidates_miss_pairs_both_unknown_in_different_places():
    """The documented limit: "?B12CDE" may be "AB12" or "AB1?CDE", but no index finds them."""
    assert registration_matches("?B12CDE", "AB12")
    assert registration_matches("?B12CDE", "AB1?CDE")
    assert not {"AB12", "AB1?CDE"} & _candidates("?B12CDE")


def test_like_pattern_alone_finds_complete_plates():
    for key, found in [
        ("AB12C??", {"AB12CDE", "AB12CDF"}),
        ("AB12", {"AB12CDE", "AB12CDF", "AB12DDE"}),
        ("AB12CDE", {"AB12CDE"}),
    ]:
        like = re.compile(registration_like_pattern(key).replace("_", ".").replace("%", ".*"))
        assert {s for s in STORED if "?" not in s and len(s) == 7 and like.fullmatch(s)} == found


def test_registration_prefixes_find_stored_partials():
    assert registration_prefixes("AB12CDE") == [
        "",
        "A",
        "AB",
        "AB1",
        "AB12",
        "AB12C",
        "AB12CD",
        "AB12CDE",
    ]
    assert registration_prefixes("AB12C??")[-1] == "AB12C"
    assert registration_known_prefix("AB12C??") == "AB12C"
    assert registration_known_prefix("?B12CDE") == ""
    assert registration_known_prefix("AB12C??") in registration_prefixes("AB12CDE")


# Phone numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key", "display"),
    [
        ("0151 496 0123", "+441514960123", "0151 496 0123"),
        ("01514960123", "+441514960123", "0151 496 0123"),
        ("+44 151 496 0123", "+441514960123", "0151 496 0123"),
        ("+44 (0)151-496-0123", "+441514960123", "0151 496 0123"),
        ("0044 151 496 0123", "+441514960123", "0151 496 0123"),
        ("07700 900123", "+447700900123", "07700 900123"),  # Ofcom drama range (mobile)
        ("+44 7700 900123", "+447700900123", "07700 900123"),
        ("020 7946 0999", "+442079460999", "020 7946 0999"),
        ("+33 1 99 00 12 34", "+33199001234", "+33 1 99 00 12 34"),  # abroad: international
    ],
)
def test_phone_in_e164(typed, key, display):
    assert phone(typed) == Normalised(key, display, True, "")


def test_phone_region_reads_national_numbers():
    found = phone("01 99 00 12 34", region="FR")
    assert (found.key, found.valid) == ("+33199001234", True)


@pytest.mark.parametrize(
    ("typed", "key", "problem"),
    [
        ("0151 496", "0151496", "digits may be missing"),  # half remembered
        ("0151 496 0123 4567 89", "0151496012345678" + "9", "Too long"),
        ("+999 123 456", "999123456", "Not recognised as a phone number"),
        ("ask at the takeaway", "", "No digits"),
    ],
)
def test_phone_invalid_is_kept_as_digits_and_flagged(typed, key, problem):
    found = phone(typed)
    assert (found.key, found.valid) == (key, False)
    assert problem in found.problem
    assert found.display == typed


# Online handles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Snapchat", "snapchat"),
        ("snap", "snapchat"),
        ("Insta", "instagram"),
        ("IG", "instagram"),
        ("Tik Tok", "tiktok"),
        ("FB", "facebook"),
        ("Whats App", "whatsapp"),
        ("Twitter", "x"),
        ("X", "x"),
        ("telegram", "telegram"),
        ("Discord", "discord"),
        ("Kik", "other"),
        ("", "other"),
    ],
)
def test_platform_code(typed, code):
    assert platform_code(typed) == code
    assert code in PLATFORMS


@pytest.mark.parametrize(
    ("platform", "typed", "key", "display"),
    [
        ("Instagram", "@Some.Name", "instagram:some.name", "Instagram: some.name"),
        ("instagram", "  some.name  ", "instagram:some.name", "Instagram: some.name"),
        ("Insta", "https://www.instagram.com/Some.Name/", "instagram:some.name", None),
        ("Instagram", "instagram.com/Some.Name?igsh=abc", "instagram:some.name", None),
        ("TikTok", "https://www.tiktok.com/@Dodgy_Deals", "tiktok:dodgy_deals", None),
        ("tiktok", "tiktok.com/@dodgy_deals/video/7000000000", "tiktok:dodgy_deals", None),
        ("Snapchat", "@Big-T99", "snapchat:big-t99", "Snapchat: big-t99"),
        ("snap", "https://www.snapchat.com/add/big-t99?share_id=x", "snapchat:big-t99", None),
        ("Twitter", "@BigT_Fake", "x:bigt_fake", "X (Twitter): bigt_fake"),
        ("x", "https://twitter.com/BigT_Fake/status/1", "x:bigt_fake", None),
        ("X", "x.com/bigt_fake", "x:bigt_fake", None),
        ("Facebook", "https://m.facebook.com/some.name.99", "facebook:some.name.99", None),
        ("facebook", "https://www.facebook.com/profile.php?id=1000123", "facebook:1000123", None),
        ("Telegram", "https://t.me/Shady_Chan", "telegram:shady_chan", None),
        ("Discord", "@Big.T", "discord:big.t", "Discord: big.t"),
        ("WhatsApp", "07700 900123", "whatsapp:+447700900123", "WhatsApp: 07700 900123"),
        ("whatsapp", "https://wa.me/447700900123", "whatsapp:+447700900123", None),
        ("WhatsApp", "wa.me/33199001234", "whatsapp:+33199001234", "WhatsApp: +33 1 99 00 12 34"),
        ("Kik", "@BigMan", "other:bigman", "Kik: bigman"),
        ("Other", "kik.me/BigMan", "other:kik.me/bigman", "Other: kik.me/bigman"),
    ],
)
def test_handle(platform, typed, key, display):
    found = handle(platform, typed)
    assert (found.key, found.valid, found.problem) == (key, True, "")
    if display:
        assert found.display == display


def test_handle_link_decides_the_platform():
    assert handle("Other", "https://www.instagram.com/some.name/").key == "instagram:some.name"


def test_handle_same_account_typed_differently_has_one_key():
    typed = ["@Some.Name", "some.name", " SOME.NAME ", "https://instagram.com/some.name"]
    assert {handle("instagram", t).key for t in typed} == {"instagram:some.name"}


@pytest.mark.parametrize(
    ("platform", "typed", "key", "problem"),
    [
        ("Facebook", "Some Name", "facebook:some name", "cannot contain spaces"),
        ("Discord", "bigt#1234", "discord:bigt#1234", 'cannot contain "#"'),
        ("Snapchat", " @ ", "snapchat:", "No username"),
        ("WhatsApp", "0151 496", "whatsapp:0151 496", "phone numbers"),
    ],
)
def test_handle_malformed_is_kept_and_flagged(platform, typed, key, problem):
    found = handle(platform, typed)
    assert (found.key, found.valid) == (key, False)
    assert problem in found.problem


# Postcodes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key", "district"),
    [
        ("l369xx", "L36 9XX", "L36"),
        ("L36 9XX", "L36 9XX", "L36"),
        ("  l36   9xx ", "L36 9XX", "L36"),
        ("l36-9xx", "L36 9XX", "L36"),
        ("zx19xx", "ZX1 9XX", "ZX1"),
        ("Z9 9ZZ", "Z9 9ZZ", "Z9"),
        ("zx1a9zz", "ZX1A 9ZZ", "ZX1A"),
    ],
)
def test_postcode(typed, key, district):
    assert postcode(typed) == Normalised(key, key, True, "")
    assert postcode_district(key) == district
    assert postcode_district(typed) == district


@pytest.mark.parametrize(
    ("typed", "key", "district", "problem"),
    [
        ("l36", "L36", "L36", "Only the district"),
        ("L36 9X", "L369X", "L36", "Not in the form of a UK postcode"),
        ("near the park", "NEARTHEPARK", "", "Not in the form of a UK postcode"),
        ("", "", "", "No letters or digits"),
    ],
)
def test_postcode_malformed_is_kept_and_flagged(typed, key, district, problem):
    found = postcode(typed)
    assert (found.key, found.valid) == (key, False)
    assert problem in found.problem
    assert postcode_district(typed) == district


# Names, aliases and nicknames -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("  Zoë   O'Neill ", "zoe oneill"),
        ("BIG  T", "big t"),
        ("Jaz-Marie", "jaz marie"),
        ("Chloé", "chloe"),
    ],
)
def test_person_name_key(typed, key):
    assert person_name_key(typed) == key


def test_person_sound_key_reuses_the_register_key():
    assert person_sound_key("Zoë") == person_sound_key("Zoe") == "Z000"
    assert person_sound_key("Smyth") == person_sound_key("Smith")


def test_person_name():
    assert person_name("  Big   T ") == Normalised("big t", "Big T", True, "")
    found = person_name(" ?! ")
    assert (found.key, found.valid) == ("", False)
