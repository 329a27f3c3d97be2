"""Checks that the bulk-written tree is what Wagtail itself would have saved."""

import random
from collections import Counter, defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count
from wagtail.models import Page, get_page_models

from partnerships.models import (
    CooperationContentMixin,
    CooperationPage,
    LibraryPage,
    SettlementPage,
    WorkPlanItem,
)


def tree_problems():
    """What treebeard's `find_problems()` looks for, plus url_path and sibling slugs, in one pass.

    treebeard's own method runs two queries a node (a minute and more at 30,000 pages); this
    reads every row once and checks the same things: path alphabet and step length, orphans,
    depth, numchild.
    """
    rows = list(
        Page.objects.order_by("path").values_list(
            "pk", "path", "depth", "numchild", "url_path", "slug"
        )
    )
    by_path = {row[1]: row for row in rows}
    children = Counter(path[: -Page.steplen] for _pk, path, *_rest in rows)
    problems = defaultdict(list)
    siblings = set()
    for pk, path, depth, numchild, url_path, slug in rows:
        if any(char not in Page.alphabet for char in path):
            problems["bad path characters"].append(pk)
            continue
        if len(path) % Page.steplen:
            problems["bad step length"].append(pk)
            continue
        if depth != len(path) // Page.steplen:
            problems["wrong depth"].append(pk)
        if numchild != children[path]:
            problems["wrong numchild"].append(pk)
        if depth == 1:
            if url_path != "/":
                problems["wrong url_path"].append(pk)
            continue
        parent = by_path.get(path[: -Page.steplen])
        if parent is None:
            problems["orphans"].append(pk)
            continue
        if url_path != f"{parent[4]}{slug}/":
            problems["wrong url_path"].append(pk)
        if (parent[0], slug) in siblings:
            problems["duplicate slug among siblings"].append(pk)
        siblings.add((parent[0], slug))
    return dict(problems), len(rows)


def missing_specific_rows():
    """Every `wagtailcore_page` row has the row of its own type (fixtree's first check)."""
    per_type = dict(
        Page.objects.order_by()
        .values_list("content_type_id")
        .annotate(n=Count("pk"))
        .values_list("content_type_id", "n")
    )
    missing = {}
    for model in get_page_models():
        if model is Page:
            continue
        expected = per_type.get(ContentType.objects.get_for_model(model).pk, 0)
        found = model._base_manager.count()
        if found != expected:
            missing[model.__name__] = expected - found
    return missing


def wrong_links():
    """Denormalised links point at the parent page, as the models' save() would set them."""
    ids_by_path = dict(Page.objects.values_list("path", "pk"))
    wrong = Counter()
    for _pk, path, settlement_id in LibraryPage.objects.values_list("pk", "path", "settlement_id"):
        if ids_by_path.get(path[: -Page.steplen]) != settlement_id:
            wrong["LibraryPage.settlement"] += 1
    for model in get_page_models():
        if issubclass(model, CooperationContentMixin):
            for _pk, path, coop_id in model.objects.values_list("pk", "path", "cooperation_id"):
                if ids_by_path.get(path[: -Page.steplen]) != coop_id:
                    wrong[f"{model.__name__}.cooperation"] += 1
    return dict(wrong)


def validation_errors(sample=5, seed=7):
    """Run full_clean() on a sample of each generated type: the data passes the models' rules."""
    rng = random.Random(seed)
    errors = []
    models = [SettlementPage, LibraryPage, CooperationPage] + [
        m for m in get_page_models() if issubclass(m, CooperationContentMixin)
    ]
    for model in models:
        ids = list(model.objects.values_list("pk", flat=True))
        for pk in rng.sample(ids, min(sample, len(ids))):
            page = model.objects.get(pk=pk)
            try:
                page.full_clean()
            except ValidationError as error:
                errors.append(f"{model.__name__} {pk}: {error.message_dict}")
    items = list(WorkPlanItem.objects.select_related("plan").order_by("?")[:sample])
    for item in items:
        try:
            item.full_clean()
        except ValidationError as error:
            errors.append(f"WorkPlanItem {item.pk}: {error.message_dict}")
    return errors


def run_checks(log, treebeard=False):
    """Log every check; return True when the tree is sound."""
    import time

    ok = True
    started = time.perf_counter()
    problems, count = tree_problems()
    log(
        f"  tree: {count} pages; "
        + ("no problems" if not problems else str({k: v[:10] for k, v in problems.items()}))
    )
    ok &= not problems
    missing = missing_specific_rows()
    log("  specific rows: " + ("all present" if not missing else f"MISSING {missing}"))
    ok &= not missing
    wrong = wrong_links()
    log("  settlement/cooperation links: " + ("all right" if not wrong else f"WRONG {wrong}"))
    ok &= not wrong
    errors = validation_errors()
    log("  full_clean() on a sample: " + ("passes" if not errors else "; ".join(errors[:5])))
    ok &= not errors
    if treebeard:
        tb_started = time.perf_counter()
        found = Page.find_problems()
        names = ["bad alphabet", "bad steplen", "orphans", "wrong depth", "wrong numchild"]
        bad = {name: ids[:10] for name, ids in zip(names, found, strict=True) if ids}
        log(
            f"  treebeard find_problems(): {'none' if not bad else bad} "
            f"({time.perf_counter() - tb_started:.1f} s)"
        )
        ok &= not bad
    log(f"  checks took {time.perf_counter() - started:.1f} s")
    return ok
