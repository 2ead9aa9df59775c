"""Shield: the case and its allocations, the CSE2 measurement tool (schemes and assessments),
incidents, missing episodes and flags."""

from shield.models.assessment import (
    Assessment,
    AssessmentAttendee,
    BandOverride,
    CategoryScore,
    MonitoringRecord,
)
from shield.models.casework import Allocation, CaseNote, ShieldCase
from shield.models.events import Flag, Incident, MissingEpisode
from shield.models.scheme import Band, Floor, ScoringCategory, ScoringScheme

__all__ = [
    "Allocation",
    "Assessment",
    "AssessmentAttendee",
    "Band",
    "BandOverride",
    "CaseNote",
    "CategoryScore",
    "Flag",
    "Floor",
    "Incident",
    "MissingEpisode",
    "MonitoringRecord",
    "ScoringCategory",
    "ScoringScheme",
    "ShieldCase",
]
