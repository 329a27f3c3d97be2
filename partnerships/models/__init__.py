from .activities import (
    ChroniclePage,
    CooperationContentMixin,
    EventPage,
    ProgramPage,
    PublicationPage,
    WorkPlanItem,
    WorkPlanPage,
)
from .cooperations import CooperationPage, MembershipChange
from .gazetteer import GazetteerSettlement
from .mixins import BodyMixin, ImageMixin, IntroMixin, PartnerLibrariesMixin
from .reference import District, Region
from .sections import (
    CooperationIndexPage,
    EventIndexPage,
    PublicationIndexPage,
    SettlementIndexPage,
)
from .settlements import LibraryPage, SettlementPage
from .submissions import CollectionRequest, Proposal
from .teams import CooperationTeam, LibraryTeam, ModerationTask, PartyApproval

__all__ = [
    "BodyMixin",
    "CollectionRequest",
    "CooperationTeam",
    "ChroniclePage",
    "CooperationContentMixin",
    "CooperationIndexPage",
    "CooperationPage",
    "District",
    "EventIndexPage",
    "EventPage",
    "GazetteerSettlement",
    "ImageMixin",
    "IntroMixin",
    "LibraryPage",
    "LibraryTeam",
    "MembershipChange",
    "ModerationTask",
    "PartyApproval",
    "PartnerLibrariesMixin",
    "ProgramPage",
    "Proposal",
    "PublicationIndexPage",
    "PublicationPage",
    "Region",
    "SettlementIndexPage",
    "SettlementPage",
    "WorkPlanItem",
    "WorkPlanPage",
]
