"""The council package's models: people and terms, meetings and agendas, papers and steps."""

from .interim import InterimReportPaper
from .meetings import AgendaItem, Meeting
from .papers import Paper, PaperFile, PaperNumbering, ReferenceCounter
from .people import LegislativeTerm, Location, Membership, Person
from .retreats import Retreat, RetreatResult
from .steps import ConsultationStep

__all__ = [
    "AgendaItem",
    "ConsultationStep",
    "InterimReportPaper",
    "LegislativeTerm",
    "Location",
    "Meeting",
    "Membership",
    "Paper",
    "PaperFile",
    "PaperNumbering",
    "Person",
    "ReferenceCounter",
    "Retreat",
    "RetreatResult",
]
