"""The CSE1 indicator checklist (domain.md 1.3): configuration data, not code.

Each indicator has a code, its group, a plain-English label in the framework's words, its suggested
level (L/M/H) and whether ticking it is a disclosure. D19's "review urgently" flag is raised for a
child under 13 with a high-level indicator present, or for any disclosure.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    label: str
    level: str = "M"  # suggested level: L, M or H
    disclosure: bool = False


GROUPS = {
    "A": "Missing and whereabouts",
    "B": "Relationships and grooming",
    "C": "Online and technology",
    "D": "Sexual health",
    "E": "Health and emotional wellbeing",
    "F": "Behaviour and education",
    "G": "Vulnerabilities and background",
}

_RAW = [
    ("A", "missing_from_home", "Missing from home or care (day or night)", "M"),
    ("A", "missing_overnight", "Missing overnight or longer", "H"),
    ("A", "staying_out_late", "Staying out late", "L"),
    ("A", "whereabouts_unknown", "Whereabouts unknown or unclear", "M"),
    ("A", "missing_from_education", "Missing from education or absent from school", "L"),
    ("B", "older_partner", "Older boyfriend or girlfriend, or a controlling relationship", "H"),
    ("B", "older_adults", "Associating with older or unknown adults", "M"),
    ("B", "cars_unknown_adults", "Entering or leaving cars driven by unknown adults", "H"),
    ("B", "unknown_addresses", "Taken to unknown addresses or other towns", "H"),
    ("B", "unexplained_gifts", "Unexplained gifts, money, phone or credit", "M"),
    ("B", "drugs_alcohol_from_adults", "Given drugs or alcohol by adults", "H"),
    ("B", "unknown_callers", "Multiple or unknown callers", "M"),
    ("B", "secretive_meetings", "Secretive about whom they meet", "M"),
    ("B", "new_friends", "New circle of friends", "L"),
    ("B", "peers_exploited", "Peers being exploited", "M"),
    ("B", "recruiting", "Recruiting other children", "H"),
    ("B", "night_time_economy", "Contact with hotels, taxi firms or takeaways at night", "M"),
    ("B", "hotspots", "Seen in known hotspots or 'party' houses", "H"),
    ("C", "phone_use", "Concerning mobile phone use (late-night calls, several phones)", "M"),
    ("C", "sexting", "Sending or receiving sexual images", "M"),
    ("C", "unsafe_online", "Unsafe internet or social media use", "L"),
    ("C", "groomed_online", "Groomed or abused online", "H"),
    ("C", "secretive_online", "Secretive online activity", "L"),
    ("D", "sti", "Sexually transmitted infection (especially repeated)", "H"),
    ("D", "pregnancy", "Pregnancy or termination", "H"),
    ("D", "risky_sexual_behaviour", "Sexually risky behaviour", "M"),
    ("D", "sexually_active_under_16", "Known to be sexually active under 16", "M"),
    ("D", "disclosure_withdrawn", "Disclosure of sexual or physical assault, later withdrawn", "H"),
    ("D", "sexually_assaulted", "Has been sexually assaulted", "H"),
    ("E", "injuries", "Unexplained physical injuries", "M"),
    ("E", "self_harm", "Self-harm", "M"),
    ("E", "suicidal", "Suicidal thoughts or attempts", "H"),
    ("E", "eating_disorder", "Eating disorder", "M"),
    ("E", "substance_misuse", "Drug or alcohol misuse", "M"),
    ("E", "appearance_change", "Change in appearance or weight", "L"),
    ("E", "mental_health", "Poor mental health", "M"),
    ("E", "low_self_esteem", "Low self-esteem or self-image", "L"),
    ("F", "disengagement", "Truancy, disengagement or a drop in performance", "L"),
    ("F", "volatile_mood", "Volatile mood or abusive language", "L"),
    ("F", "aggression", "Aggression (including to pets)", "L"),
    ("F", "hostile", "Hostile when concerns are raised", "L"),
    ("F", "detached", "Detached from age-appropriate activities", "L"),
    ("F", "offending", "Offending, antisocial behaviour or petty crime", "M"),
    ("F", "sexualised_behaviour", "Sexualised language or behaviour", "M"),
    ("F", "harmful_sexual_behaviour", "Sexually harmful behaviour towards others", "M"),
    ("G", "family_breakdown", "Family breakdown", "L"),
    ("G", "domestic_abuse", "Domestic violence or abuse in the family", "M"),
    ("G", "parental_issues", "Parental drug, alcohol or mental-health issues", "M"),
    ("G", "family_cse", "Family involvement in CSE", "H"),
    ("G", "past_abuse", "Past physical or emotional abuse or neglect", "M"),
    ("G", "past_sexual_abuse", "Past child sexual abuse", "M"),
    ("G", "bullied", "Bullied at school", "L"),
    ("G", "not_in_education", "Not in full-time education", "L"),
    ("G", "residential_care", "Looked after in residential care", "M"),
    ("G", "criminal_justice", "In the criminal justice system", "M"),
    ("G", "learning_disability", "Learning disability", "M"),
    ("G", "bereavement", "Recent bereavement or loss", "L"),
    ("G", "gang_association", "Gang association or gang neighbourhood", "M"),
    ("G", "homeless", "Homeless, sofa surfing, or in a hostel or B&B", "H"),
    ("G", "young_carer", "Young carer", "L"),
    ("G", "lacks_friends", "Lacks friends of the same age", "L"),
    ("G", "sexual_orientation", "Uncertain about or unable to disclose sexual orientation", "L"),
    ("G", "trafficked", "Trafficked (within the UK or internationally)", "H"),
    ("G", "migrant_asylum", "Migrant or asylum status", "M"),
]
DISCLOSURES = {"sexually_assaulted", "disclosure_withdrawn"}

INDICATORS = {
    code: Indicator(code, group, label, level, code in DISCLOSURES)
    for group, code, label, level in _RAW
}


def by_group() -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = {key: [] for key in GROUPS}
    for indicator in INDICATORS.values():
        groups[indicator.group].append(indicator)
    return groups
