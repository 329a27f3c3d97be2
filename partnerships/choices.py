"""Enumerations taken from the regulation (section numbers in comments)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SettlementKind(models.TextChoices):
    CITY = "city", _("город")
    URBAN_SETTLEMENT = "urban_settlement", _("посёлок городского типа")
    SETTLEMENT = "settlement", _("посёлок")
    SELO = "selo", _("село")
    VILLAGE = "village", _("деревня")
    KHUTOR = "khutor", _("хутор")
    STANITSA = "stanitsa", _("станица")
    SLOBODA = "sloboda", _("слобода")
    AUL = "aul", _("аул")
    OTHER = "other", _("другой")


class OrganisationalForm(models.TextChoices):
    """§1.6."""

    PUBLIC_MOVEMENT = "public_movement", _("общественно-коллективное движение")
    CONVENT_PARTNERSHIP = "convent_partnership", _("конвент-партнёрство")
    OTHER = "other", _("другая организационная форма")


class CooperationLevel(models.TextChoices):
    """§1.2: the level follows from the members' regions."""

    INTERMUNICIPAL = "intermunicipal", _("межмуниципальное (в пределах области)")
    INTERREGIONAL = "interregional", _("межрегиональное")


class LibraryAffiliation(models.TextChoices):
    """§1.5: libraries of any departmental affiliation may be partners."""

    MUNICIPAL = "municipal", _("муниципальная общедоступная")
    STATE = "state", _("государственная общедоступная")
    SCHOOL = "school", _("школьная")
    UNIVERSITY = "university", _("вузовская")
    COLLEGE = "college", _("библиотека колледжа или техникума")
    DEPARTMENTAL = "departmental", _("ведомственная (специальная)")
    CHURCH = "church", _("библиотека религиозной организации")
    PUBLIC_ORGANISATION = "public_organisation", _("библиотека общественной организации")
    OTHER = "other", _("другая")


class OwnershipForm(models.TextChoices):
    """§1.5: libraries of all forms of ownership."""

    MUNICIPAL = "municipal", _("муниципальная")
    STATE = "state", _("государственная")
    PRIVATE = "private", _("частная")
    PUBLIC_ORGANISATION = "public_organisation", _("собственность общественной организации")
    OTHER = "other", _("иная")


class MembershipChangeKind(models.TextChoices):
    """§1.3, §5.3."""

    JOIN = "join", _("присоединение к Соглашению")
    LEAVE = "leave", _("выход из Соглашения")


class MembershipChangeStatus(models.TextChoices):
    PENDING = "pending", _("на рассмотрении")
    APPROVED = "approved", _("принято")
    REJECTED = "rejected", _("отклонено")


class EventKind(models.TextChoices):
    """§4: the forms of joint activity."""

    SEMINAR = "seminar", _("семинар")
    CONFERENCE = "conference", _("конференция")
    DISCUSSION = "discussion", _("профессиональная дискуссия")
    RESEARCH = "research", _("исследование")
    STAFF_TRAINING = "staff_training", _("обучение персонала")
    CULTURAL = "cultural", _("культурное мероприятие")
    EXHIBITION = "exhibition", _("выставка")
    READING = "reading", _("чтения, встреча с автором")
    OTHER = "other", _("другое")


class EventFormat(models.TextChoices):
    OFFLINE = "offline", _("очно")
    ONLINE = "online", _("онлайн")
    HYBRID = "hybrid", _("очно и онлайн")


class PublicationKind(models.TextChoices):
    """§4: joint publishing output and professional publications."""

    BOOK = "book", _("книга")
    COLLECTION = "collection", _("сборник")
    BIBLIOGRAPHY = "bibliography", _("библиографический указатель")
    METHODOLOGICAL = "methodological", _("методическое пособие")
    ARTICLE = "article", _("статья")
    DIGEST = "digest", _("дайджест, бюллетень")
    CALENDAR = "calendar", _("календарь знаменательных дат")
    OTHER = "other", _("другое")


class ProgramStatus(models.TextChoices):
    PLANNED = "planned", _("готовится")
    ACTIVE = "active", _("идёт")
    COMPLETED = "completed", _("завершена")


class PlanItemStatus(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    CANCELLED = "cancelled", _("отменено")


class ProposalStatus(models.TextChoices):
    """§5.2: a proposal shows publicly only once moderators approve it."""

    NEW = "new", _("на модерации")
    APPROVED = "approved", _("опубликовано")
    REJECTED = "rejected", _("отклонено")


class CollectionRequestStatus(models.TextChoices):
    """§4: a reader's request for an item of a partner library's collection."""

    NEW = "new", _("новый")
    ACCEPTED = "accepted", _("принят")
    SENT = "sent", _("выполнен")
    DECLINED = "declined", _("отклонён")
