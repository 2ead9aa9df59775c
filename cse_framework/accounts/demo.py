"""Fictional demo agencies, teams and one user per role of D22 (D15: no real people)."""

from cse_framework.accounts.models import Agency, Team
from cse_framework.accounts.roles import RoleCode

DEMO_PASSWORD = "demo-only-Kestrel-Lantern-42"

AGENCIES = {
    "csc": ("Knowsley Children's Social Care (demo)", Agency.Kind.CHILDRENS_SOCIAL_CARE),
    "police": ("Police, Knowsley area (demo)", Agency.Kind.POLICE),
    "health": ("Community Health Trust (demo)", Agency.Kind.HEALTH),
    "school": ("Brookfield Academy (demo)", Agency.Kind.EDUCATION),
    "lscb": ("Safeguarding Children Board (demo)", Agency.Kind.OTHER_LOCAL_AUTHORITY),
}

TEAMS = {
    "mash": ("MASH", "csc", Team.Kind.MASH),
    "shield": ("Shield", "csc", Team.Kind.SHIELD),
    "edt": ("Emergency Duty Team", "csc", Team.Kind.EDT),
    "macse": ("MACSE administration", "csc", Team.Kind.MACSE_ADMINISTRATION),
    "locality": ("Locality social work", "csc", Team.Kind.PARTNER),
    "vpu": ("Vulnerable persons unit", "police", Team.Kind.PARTNER),
    "school_nursing": ("School nursing", "health", Team.Kind.PARTNER),
    "pastoral": ("Pastoral team", "school", Team.Kind.PARTNER),
    "board": ("Board business unit", "lscb", Team.Kind.PARTNER),
}

# (role, e-mail, fictional full name, job title, agency, team)
USERS = [
    (
        RoleCode.REFERRER,
        "referrer@example.org",
        "Ava Pennington",
        "Designated safeguarding lead",
        "school",
        "pastoral",
    ),
    (
        RoleCode.MASH_SOCIAL_WORKER,
        "mash.worker@example.org",
        "Rhys Calloway",
        "MASH social worker",
        "csc",
        "mash",
    ),
    (
        RoleCode.MASH_TEAM_MANAGER,
        "mash.manager@example.org",
        "Imogen Hartwell",
        "MASH team manager",
        "csc",
        "mash",
    ),
    (
        RoleCode.EDT_SOCIAL_WORKER,
        "edt.worker@example.org",
        "Owen Blakemore",
        "EDT social worker",
        "csc",
        "edt",
    ),
    (
        RoleCode.SHIELD_WORKER,
        "shield.worker@example.org",
        "Priya Ellery",
        "Shield worker",
        "csc",
        "shield",
    ),
    (
        RoleCode.SHIELD_TEAM_MANAGER,
        "shield.manager@example.org",
        "Callum Fairbrother",
        "Shield team manager",
        "csc",
        "shield",
    ),
    (
        RoleCode.ALLOCATED_SOCIAL_WORKER,
        "social.worker@example.org",
        "Niamh Oakridge",
        "Social worker",
        "csc",
        "locality",
    ),
    (
        RoleCode.MACSE_ADMINISTRATOR,
        "macse.admin@example.org",
        "Bethan Marlow",
        "MACSE administrator",
        "csc",
        "macse",
    ),
    (
        RoleCode.MACSE_CHAIR,
        "macse.chair@example.org",
        "DCI Marcus Thornbury",
        "Detective chief inspector",
        "police",
        "vpu",
    ),
    (
        RoleCode.POLICE_INTELLIGENCE_OFFICER,
        "police.intel@example.org",
        "Zara Whitcombe",
        "Intelligence officer",
        "police",
        "vpu",
    ),
    (
        RoleCode.HEALTH_REPRESENTATIVE,
        "health.rep@example.org",
        "Leah Danvers",
        "Safeguarding nurse",
        "health",
        "school_nursing",
    ),
    (
        RoleCode.SERVICE_MANAGER,
        "service.manager@example.org",
        "Grace Aldermoor",
        "Service manager",
        "csc",
        "mash",
    ),
    (
        RoleCode.LSCB_ANALYST,
        "lscb.analyst@example.org",
        "Tomas Reddington",
        "Board analyst",
        "lscb",
        "board",
    ),
    (
        RoleCode.SYSTEM_ADMINISTRATOR,
        "sysadmin@example.org",
        "Harriet Kingsmere",
        "System administrator",
        "csc",
        None,
    ),
    (
        RoleCode.AGENCY_APPROVER,
        "approver@example.org",
        "Imogen Castlebury",
        "Safeguarding lead (approves staff access)",
        "school",
        "pastoral",
    ),
    (
        RoleCode.INFORMATION_GOVERNANCE,
        "ig.officer@example.org",
        "Rafferty Holloway",
        "Information governance officer",
        "csc",
        None,
    ),
]

# Fictional children for the register (D15): invented names and a made-up postcode pattern.
# (given, family, born, gender, postcode, other fields)
CHILDREN = [
    ("Maisie", "Quillfeather", (2011, 3, 14), "female", "ZZ1 4QT", {"ethnicity": "WBRI"}),
    (
        "Jayden",
        "Thorncastle",
        (2010, 11, 2),
        "male",
        "ZZ2 7HB",
        {"ethnicity": "MWBC", "care_status": "child_in_need", "school": "Brookfield Academy"},
    ),
    ("Elsie", "Marrowby", (2013, 6, 21), "female", "ZZ3 1LD", {"learning_disability": "yes"}),
    ("Kai", "Brightwater", (2009, 9, 30), "male", "ZZ1 9PX", {}),
    ("Lily-Rose", "Ashcombe", (2012, 1, 8), "female", "ZZ4 2NW", {}),
    (
        "Ruby",
        "Fenwhistle",
        (2009, 2, 11),
        "female",
        "ZZ5 3RT",
        {"care_status": "looked_after", "legal_status": "s31", "placing_authority": "Demoshire"},
    ),
    # Open to Shield (SHIELD_CHILDREN, below).
    ("Poppy", "Larchmont", (2010, 8, 19), "female", "ZZ6 2KD", {"ethnicity": "WBRI"}),
    ("Evie", "Stonebridge", (2011, 2, 3), "female", "ZZ7 5BN", {"ethnicity": "MWBA"}),
    ("Mason", "Hollinshead", (2010, 12, 12), "male", "ZZ8 1TW", {"ethnicity": "WBRI"}),
]
SOCIAL_WORKER_EMAIL = "social.worker@example.org"

REFERRER_EMAIL = "referrer@example.org"
MASH_EMAIL = "mash.worker@example.org"
MASH_MANAGER_EMAIL = "mash.manager@example.org"
POLICE_EMAIL = "police.intel@example.org"
HEALTH_EMAIL = "health.rep@example.org"
SHIELD_WORKER_EMAIL = "shield.worker@example.org"
SHIELD_MANAGER_EMAIL = "shield.manager@example.org"

# Fictional referrals in every state: (given, family, born, state, fields, indicators present).
# States: draft, received, confirmed (child confirmed by MASH), awaiting (a decision waiting for
# authorisation) and triaged.
REFERRALS = [
    (
        "Maisie",
        "Quillfeather",
        (2011, 3, 14),
        "received",
        {
            "child_social_care": "not_known",
            "child_postcode": "ZZ1 4QT",
            "level_of_concern": "high",
            "circumstances": "Seen getting into cars with unknown adults.",
            "known_vehicles": "Silver hatchback, partial registration ZZ61.",
        },
        ["cars_unknown_adults", "missing_overnight"],
    ),
    (
        "Elsie",
        "Marowby",  # misspelt, as referrers do: MASH still finds Elsie Marrowby
        (2013, 6, 21),
        "confirmed",
        {
            "child_social_care": "unsure",
            "level_of_concern": "medium",
            "circumstances": "Older 'boyfriend' collects her from school.",
        },
        ["older_partner"],
    ),
    (
        "Kai",
        "Brightwater",
        (2009, 9, 30),
        "received",
        {
            "child_social_care": "not_known",
            "level_of_concern": "at_risk",
            "emergency": True,
            "circumstances": "Missing since last night; seen at a known address.",
        },
        ["missing_overnight", "hotspots"],
    ),
    (
        "Jayden",
        "Thorncastle",
        (2010, 11, 2),
        "triaged",
        {
            "child_social_care": "open",
            "child_social_worker_name": "Their allocated social worker",
            "level_of_concern": "medium",
            "circumstances": "Unexplained phone and money.",
        },
        ["unexplained_gifts"],
    ),
    (
        "Ruby",
        "Fenwhistle",
        (2009, 2, 11),
        "awaiting",
        {
            "child_social_care": "placed",
            "child_placing_authority": "Demoshire",
            "level_of_concern": "high",
            "circumstances": "Going missing from her placement at night.",
        },
        ["missing_from_home"],
    ),
    (
        "Ava",
        "Pendlebury",
        (2011, 7, 9),
        "received",
        {
            "child_social_care": "unsure",
            "level_of_concern": "medium",
            "circumstances": "Seen with older teenagers at the retail park late at night.",
            "_hours_ago": 70,  # its 24-hour clock is overdue on the dashboard
        },
        ["staying_out_late"],
    ),
    (
        "Theo",
        "Wrenfield",
        (2012, 4, 17),
        "received",
        {
            "child_social_care": "not_known",
            "level_of_concern": "at_risk",
            "emergency": True,
            "circumstances": "Found at an address with adults unknown to the family.",
            "_hours_ago": 20,  # its 24-hour clock is due soon
        },
        ["unknown_addresses"],
    ),
    # MASH decided each of these needs a strategy discussion (strategy/): one not yet held, one
    # held that decided a meeting now arranged, one whose meeting was held and signed off.
    (
        "Harvey",
        "Coldbrook",
        (2011, 10, 3),
        "strategy_discussion",
        {
            "child_social_care": "not_known",
            "level_of_concern": "high",
            "emergency": True,
            "circumstances": "Seen with adults at a takeaway late at night, given alcohol.",
            "_hours_ago": 6,
        },
        ["drugs_alcohol"],
    ),
    (
        "Isla",
        "Marchbank",
        (2010, 5, 22),
        "meeting_arranged",
        {
            "child_social_care": "not_known",
            "level_of_concern": "high",
            "emergency": True,
            "circumstances": "Messages from an adult asking her to meet; new phone.",
            "_hours_ago": 10,
        },
        ["unexplained_gifts"],
    ),
    (
        "Noah",
        "Ferncastle",
        (2009, 12, 1),
        "meeting_held",
        {
            "child_social_care": "not_known",
            "level_of_concern": "high",
            "emergency": True,
            "circumstances": "Missing three nights; returned with injuries he will not explain.",
            "_hours_ago": 40,
        },
        ["missing_overnight"],
    ),
    (
        "Lily-Rose",
        "Ashcombe",
        (2012, 1, 8),
        "draft",
        {
            "child_social_care": "not_known",
            "level_of_concern": "at_risk",
            "circumstances": "Draft: still gathering information.",
        },
        [],
    ),
]

DEMO_MARF = {
    "referrer_relationship": "Designated safeguarding lead",
    "parents_consented": True,
    "current_concerns": "As in the CSE1 (demo).",
}

# Children MASH referred to Shield months ago, allocated to the demo Shield worker, with a CSE2
# every 3 months whose risk rises, falls or stays level: (given, family, born, what the CSE1 said,
# each version's eight category scores and judgement score). Versions are 3 months apart, the
# last about three weeks ago, so its review clock is open.
SHIELD_CHILDREN = [
    (
        "Poppy",
        "Larchmont",
        (2010, 8, 19),
        "Older friends collect her from school in a car; new clothes and a phone.",
        [
            ((1, 1, 2, 1, 2, 0, 1, 1), 1),
            ((2, 2, 3, 2, 3, 1, 2, 2), 2),
            ((3, 4, 4, 3, 4, 2, 3, 3), 3),
            ((4, 5, 5, 4, 5, 3, 4, 4), 4),
        ],
    ),
    (
        "Evie",
        "Stonebridge",
        (2011, 2, 3),
        "Missing overnight twice; seen at an address known to the police.",
        [
            ((5, 4, 4, 4, 5, 3, 4, 3), 4),
            ((4, 3, 3, 3, 4, 2, 3, 2), 3),
            ((2, 2, 2, 2, 3, 1, 2, 1), 1),
        ],
    ),
    (
        "Mason",
        "Hollinshead",
        (2010, 12, 12),
        "Spends nights with older teenagers at the retail park; given alcohol.",
        [
            ((2, 3, 2, 3, 3, 2, 2, 2), 2),
            ((3, 2, 2, 3, 3, 2, 2, 2), 2),
            ((2, 3, 2, 3, 3, 2, 2, 2), 2),
        ],
    ),
]
