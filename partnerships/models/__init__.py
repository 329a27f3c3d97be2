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

__all__ = [
    "BodyMixin",
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
    "MembershipChange",
    "PartnerLibrariesMixin",
    "ProgramPage",
    "PublicationIndexPage",
    "PublicationPage",
    "Region",
    "SettlementIndexPage",
    "SettlementPage",
    "WorkPlanItem",
    "WorkPlanPage",
]
