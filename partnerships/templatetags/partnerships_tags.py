"""Template tags for the hub's public pages.

The site frame (home page, hub sections, breadcrumbs) costs one query per request, whatever
the depth of the page; the rest are formatting helpers that never touch the database.
"""

from django import template
from django.apps import apps
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site

register = template.Library()

STEPLEN = Page.steplen


class Frame:
    """What every page shows around its content: the home page, the sections, the trail."""

    def __init__(self, home=None, sections=(), ancestors=(), current=None, language=None):
        self.home = home
        self.sections = list(sections)
        self.ancestors = list(ancestors)
        self.current = current
        # The language of the page's content, which under /en/ may still be Russian.
        self.language = language

    @property
    def current_section(self):
        if self.current is None:
            return None
        for section in self.sections:
            if self.current.path.startswith(section.path):
                return section
        return None

    def section_of_type(self, model):
        """The section of a given page type; the frame's query brought the content types along."""
        wanted = (model._meta.app_label, model._meta.model_name)
        for section in self.sections:
            content_type = section.content_type
            if (content_type.app_label, content_type.model) == wanted:
                return section
        return None


def _frame_for_request(request):
    """For views that are not pages (search, errors): the site's home page in the active
    language, falling back to the site's root page, and its live sections, in one query."""
    site = Site.find_for_request(request)
    if site is None:
        return Frame()
    root = site.root_page
    try:
        language = get_supported_content_language_variant(get_language())
    except LookupError:
        language = None
    home_path = Value(root.path)
    if language:
        translated = Page.objects.filter(
            translation_key=root.translation_key, locale__language_code=language, live=True
        )
        home_path = Coalesce(Subquery(translated.values("path")[:1]), home_path)
    rows = list(
        Page.objects.filter(
            Q(path=home_path)
            # A range on the (depth, path) index, where a LIKE would read the whole tree.
            | Q(
                depth=root.depth + 1,
                live=True,
                path__gt=home_path,
                path__lte=Concat(home_path, Value("Z" * STEPLEN)),
            )
        )
        .select_related("content_type")
        .order_by("path")
    )
    if not rows or rows[0].depth != root.depth:
        return Frame()
    return Frame(rows[0], rows[1:], rows[:1], None)


def _frame_for_page(page):
    """One query: the home page above the page, the ancestors in between, the live sections."""
    home_path = page.path[: STEPLEN * 2]
    trail = [page.path[: STEPLEN * depth] for depth in range(2, page.depth)]
    rows = list(
        Page.objects.filter(
            Q(path__in=[home_path, *trail])
            # A range on the path index, where a LIKE on the path would scan the whole tree.
            | Q(depth=3, path__gt=home_path, path__lte=home_path + "Z" * STEPLEN, live=True)
        )
        .select_related("content_type", "locale")
        .order_by("path")
    )
    home = next((row for row in rows if row.path == home_path), None)
    sections = [row for row in rows if row.depth == 3 and row.live]
    if page.depth == 3 and all(section.path != page.path for section in sections):
        # A section that is not live yet, seen in preview.
        sections = sorted([*sections, page], key=lambda section: section.path)
    return Frame(
        home=home or page,
        sections=sections,
        ancestors=[row for row in rows if row.path in trail],
        current=page,
        language=home.locale.language_code if home else None,
    )


def _build_frame(context):
    page = context.get("page")
    if isinstance(page, Page) and page.path and page.depth >= 2:
        return _frame_for_page(page)
    request = context.get("request")
    return _frame_for_request(request) if request is not None else Frame()


@register.simple_tag(takes_context=True)
def hub_frame(context):
    """The site frame, computed once per request and shared by header, footer and breadcrumbs."""
    request = context.get("request")
    frame = getattr(request, "_partnerships_frame", None)
    if frame is None:
        frame = _build_frame(context)
        if request is not None:
            request._partnerships_frame = frame
    return frame


@register.simple_tag(takes_context=True)
def hub_section(context, model_label):
    """The hub section of a given type, e.g. ``"partnerships.EventIndexPage"``, or None."""
    return hub_frame(context).section_of_type(apps.get_model(model_label))


@register.inclusion_tag("partnerships/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, current_title=None):
    """The path from the home page to this page; the ancestors come from the frame's query."""
    frame = hub_frame(context)
    page = context.get("page")
    title = current_title
    if title is None and isinstance(page, Page):
        title = page.title
    return {
        "request": context.get("request"),
        "ancestors": frame.ancestors,
        "current_title": title,
    }


@register.filter
def verbose_name(obj):
    """The model's human name: «совместное мероприятие», «издание»…"""
    model = type(obj)
    if model is Page:
        model = obj.specific_class or Page
    meta = getattr(model, "_meta", None)
    return meta.verbose_name if meta else ""


@register.filter
def file_extension(document):
    name = getattr(getattr(document, "file", None), "name", "") or ""
    return name.rsplit(".", 1)[-1].upper() if "." in name else ""


@register.filter
def safe_file_size(document):
    """The stored file size, or None when the file is missing; never raises."""
    size = getattr(document, "file_size", None)
    if size:
        return size
    try:
        return document.get_file_size()
    except (OSError, AttributeError, ValueError):
        return None


def _as_local_date(value):
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value) if timezone.is_aware(value) else value
    return value


@register.simple_tag
def date_range(start, end=None, with_time=False):
    """«12 марта 2025», «12–14 марта 2025», «30 марта — 2 апреля 2025», with times if asked."""
    if not start:
        return ""
    start = _as_local_date(start)
    end = _as_local_date(end) if end else None
    day_format = "j E Y"
    if with_time:
        start_text = formats.date_format(start, "j E Y, H:i")
        if not end:
            return start_text
        if end.date() == start.date():
            return _("%(start)s–%(end)s") % {
                "start": start_text,
                "end": formats.date_format(end, "H:i"),
            }
        return _("%(start)s — %(end)s") % {
            "start": start_text,
            "end": formats.date_format(end, "j E Y, H:i"),
        }
    start_day = start.date() if hasattr(start, "hour") else start
    end_day = (end.date() if hasattr(end, "hour") else end) if end else None
    if not end_day or end_day == start_day:
        return formats.date_format(start_day, day_format)
    if (start_day.year, start_day.month) == (end_day.year, end_day.month):
        return _("%(start)s–%(end)s") % {
            "start": start_day.day,
            "end": formats.date_format(end_day, day_format),
        }
    if start_day.year == end_day.year:
        return _("%(start)s — %(end)s") % {
            "start": formats.date_format(start_day, "j E"),
            "end": formats.date_format(end_day, day_format),
        }
    return _("%(start)s — %(end)s") % {
        "start": formats.date_format(start_day, day_format),
        "end": formats.date_format(end_day, day_format),
    }


@register.filter
def member_regions(memberships):
    """Distinct region names of a cooperation's current memberships, in order."""
    names = []
    for membership in memberships or ():
        settlement = getattr(membership.library, "settlement", None)
        region = getattr(settlement, "region", None)
        if region is not None and region.name not in names:
            names.append(region.name)
    return sorted(names)


@register.simple_tag
def elided_pages(page_obj, on_each_side=2, on_ends=1):
    """Page numbers around the current one, with the paginator's ellipsis between runs."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.filter
def lookup(mapping, key):
    """``mapping[key]``, or an empty string: for dicts keyed by page id."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""
