"""Routing a URL to a page in two queries, however deep the page is."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page


class DirectRoutingMixin:
    """Resolve the whole remaining path at once.

    Wagtail's own ``Page.route`` costs two queries per URL segment (the child, then its
    specific object). Here one query fetches every candidate by slug, the walk down the tree
    happens in Python, and one more query loads the page found. A page type with its own
    ``route`` (a routable page, say) still gets the rest of the path.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        rows = (
            Page.objects.filter(
                slug__in=set(path_components),
                depth__gt=self.depth,
                depth__lte=self.depth + len(path_components),
                path__startswith=self.path,
            )
            .order_by("depth", "path")
            .values_list("pk", "path", "depth", "slug", "content_type_id")
        )
        by_step = {}
        for pk, path, depth, slug, content_type_id in rows:
            by_step.setdefault((depth, slug), []).append((pk, path, content_type_id))
        parent_path = self.path
        for step, slug in enumerate(path_components, start=1):
            found = next(
                (
                    row
                    for row in by_step.get((self.depth + step, slug), ())
                    if row[1].startswith(parent_path)
                ),
                None,
            )
            if found is None:
                raise Http404
            pk, parent_path, content_type_id = found
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                raise Http404
            if model.route is not Page.route or step == len(path_components):
                page = model.objects.get(pk=pk)
                return page.route(request, path_components[step:])
        raise Http404
