"""Timed requests to every public page type, through Django's test client in-process."""

import math
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.signals import got_request_exception
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from partnerships.choices import EventKind, PublicationKind
from partnerships.models import (
    ChroniclePage,
    CooperationIndexPage,
    CooperationPage,
    EventIndexPage,
    EventPage,
    LibraryPage,
    MembershipChange,
    ProgramPage,
    PublicationIndexPage,
    PublicationPage,
    SettlementIndexPage,
    SettlementPage,
    WorkPlanPage,
)
from partnerships.setup import section

QUERY_LIMIT = 20
FAST_LIMIT_MS = 30.0
FAST_TYPES = ("home", "cooperation")
# Issue 4: the search page's p95 at full scale, by tier.
SEARCH_P95_MS = {"sqlite": 100.0, "postgresql": 50.0, "engine": 50.0}
PER_QUERY_REPEATS = 3

SEARCH_QUERIES = [
    "библиотека",
    "Никольское",
    "семинар",
    "краеведческие чтения",
    "выставка",
    "Покровка",
    "сборник",
    "программа",
    "Пушкинский день",
    "библиотеки",
    "волонтёры",
    "Масленица",
    "дайджест",
    "опыт партнёров",
    "Ивановка",
    "конференция",
    "история села",
    "детская",
    "ёлка",
    "школьная библиотека",
    "план работы",
    "методическое пособие",
    "тёзки",
    "вебинар",
    "Алексеевка",
    "хроника",
    "земляки",
    "каталог",
    "чтение",
    "Троицкое",
    "грант",
    "фольклор",
]


@dataclass
class Sample:
    url: str
    ms: float
    cpu_ms: float
    queries: int
    status: int
    error: str = ""
    sql: list = field(default_factory=list, repr=False)
    sql_ms: list = field(default_factory=list, repr=False)


@dataclass
class Result:
    key: str
    samples: list

    @property
    def times(self):
        return sorted(s.ms for s in self.samples)

    @property
    def median(self):
        return statistics.median(self.times) if self.samples else math.nan

    @property
    def median_cpu(self):
        return statistics.median(s.cpu_ms for s in self.samples) if self.samples else math.nan

    @property
    def p95(self):
        times = self.times
        return times[max(0, math.ceil(0.95 * len(times)) - 1)] if times else math.nan

    @property
    def max_queries(self):
        return max((s.queries for s in self.samples), default=0)

    @property
    def statuses(self):
        return Counter(s.status for s in self.samples)

    @property
    def ok(self):
        return bool(self.samples) and all(200 <= s.status < 300 for s in self.samples)

    @property
    def errors(self):
        return Counter(s.error for s in self.samples if s.error)

    def worst(self):
        return max(self.samples, key=lambda s: s.queries)


def sample_urls(model, n, rng, order_by="pk"):
    ids = list(model.objects.live().order_by(order_by).values_list("pk", flat=True))
    chosen = rng.sample(ids, min(n, len(ids)))
    return page_urls(chosen)


def page_urls(ids):
    """Front-end URLs from url_path, as Wagtail serves a one-site, default-language tree.

    Reversing through the URLconf would import every view; a view that fails to import must
    show up as a failing page type, not stop the bench.
    """
    root = Site.objects.get(is_default_site=True).root_page.url_path
    paths = dict(Page.objects.filter(pk__in=ids).values_list("pk", "url_path"))
    return ["/" + paths[pk][len(root) :] for pk in ids if pk in paths]


def cycle(variants, n):
    return [variants[i % len(variants)] for i in range(n)] if variants else []


def build_plan(n, seed):
    """For each public page type, n URLs over different pages (or pages of a listing)."""
    rng = random.Random(seed)
    home = Site.objects.get(is_default_site=True).root_page
    coop_ids = list(CooperationPage.objects.live().values_list("pk", flat=True))
    plan = {"home": page_urls([home.pk]) * n}

    def listing(model, extra):
        try:
            base = page_urls([section(model).pk])[0]
        except model.DoesNotExist:
            return []
        pages = [f"{base}?page={k}" for k in range(2, 8)]
        return cycle([base, *(f"{base}{query}" for query in extra), *pages], n)

    regions = list(
        SettlementPage.objects.live().values_list("region_id", flat=True).distinct()[:10]
    )
    years = list(PublicationPage.objects.values_list("year", flat=True).distinct()[:5])
    some_coops = rng.sample(coop_ids, min(5, len(coop_ids)))
    plan["cooperation index"] = listing(CooperationIndexPage, [])
    plan["cooperation"] = sample_urls(CooperationPage, n, rng)
    plan["settlement index"] = listing(SettlementIndexPage, [f"?region={r}" for r in regions])
    plan["settlement"] = sample_urls(SettlementPage, n, rng)
    plan["library"] = sample_urls(LibraryPage, n, rng)
    plan["program"] = sample_urls(ProgramPage, n, rng)
    plan["event"] = sample_urls(EventPage, n, rng)
    plan["event index"] = listing(
        EventIndexPage,
        ["?when=past", "?when=past&page=3"]
        + [f"?kind={k}" for k in EventKind.values[:4]]
        + [f"?cooperation={c}" for c in some_coops],
    )
    plan["publication"] = sample_urls(PublicationPage, n, rng)
    plan["publication index"] = listing(
        PublicationIndexPage,
        [f"?kind={k}" for k in PublicationKind.values[:4]]
        + [f"?year={y}" for y in years]
        + [f"?cooperation={c}" for c in some_coops],
    )
    plan["work plan"] = sample_urls(WorkPlanPage, n, rng)
    plan["chronicle"] = sample_urls(ChroniclePage, n, rng)
    plan.update(namesake_plan(n, rng))
    plan["search"] = cycle(
        [f"/search/?query={q}" for q in SEARCH_QUERIES] + ["/search/?query=библиотека&page=2"], n
    )
    plan["search suggest"] = cycle(
        [f"/search/suggest/?q={quote(prefix)}" for prefix in suggest_prefixes()], n
    )
    plan["search filtered"] = cycle(filtered_search_urls(some_coops, years), n)
    return plan


def filtered_search_urls(cooperations, years):
    """The search page with a facet chosen, over the first bench queries: a chosen type,
    region, cooperation or year is ranked on its own (search.service.HubSearch._narrow)."""
    regions = list(
        SettlementPage.objects.live()
        .order_by("region__code")
        .values_list("region__code", flat=True)
        .distinct()[:3]
    )
    choices = [{"type": "eventpage"}, {"type": "document"}, {"type": "chroniclepage"}]
    choices += [{"region": code} for code in regions]
    choices += [{"cooperation": pk} for pk in cooperations[:3]]
    choices += [{"year": year} for year in years[:2]]
    return [
        f"/search/?query={quote(query)}&" + "&".join(f"{k}={v}" for k, v in choice.items())
        for query, choice in zip(SEARCH_QUERIES, cycle(choices, len(SEARCH_QUERIES)), strict=True)
    ]


def suggest_prefixes():
    """What a reader has typed when suggestions start: the query up to its last word's
    first four letters («краеведческие ч», «библ»)."""
    prefixes = []
    for query in SEARCH_QUERIES:
        *head, last = query.split()
        prefixes.append(" ".join([*head, last[:4]]))
    return prefixes


def search_tier():
    from django.conf import settings

    backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    if "sqlite" in backend:
        return "sqlite"
    if "postgres" in backend:
        return "postgresql"
    return "engine"


def search_p95_limit():
    return SEARCH_P95_MS[search_tier()]


_FOUND = re.compile(r"найдено(?: больше)?:? (\d+)")
_MODE = (
    ("показаны результаты по запросу", "corrected"),
    ("страницы с похожими словами", "fuzzy"),
    ("хотя бы одно из них", "any"),
)


def measure_search_queries(runner, repeats=PER_QUERY_REPEATS):
    """Each bench query on the search page: median and worst time, queries, results found
    and how they were found (every word, a corrected query, typos, any word)."""
    rows = []
    for query in SEARCH_QUERIES:
        url = f"/search/?query={quote(query)}"
        runner.get(url)
        samples = [runner.get(url) for _ in range(repeats)]
        response = runner.client.get(url)
        html = response.content.decode() if response.status_code == 200 else ""
        found = _FOUND.search(html)
        mode = next((name for text, name in _MODE if text in html), "exact" if found else "")
        rows.append(
            {
                "query": query,
                "median_ms": statistics.median(s.ms for s in samples),
                "max_ms": max(s.ms for s in samples),
                "queries": max(s.queries for s in samples),
                "found": int(found.group(1)) if found else 0,
                "mode": mode if found and int(found.group(1)) else "nothing found",
            }
        )
    return rows


def measure_search_pipeline(repeats=PER_QUERY_REPEATS):
    """The search page's pipeline (ranking through the tier, facets, the shown hits), timed as
    `manage.py search_relevance` times it — the latency issue 4's targets are about — over
    the bench queries: each once untimed, then `repeats` times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Locale

    from search.query import SearchParams, parse_query
    from search.service import HubSearch

    locale = Locale.get_default()
    samples = []
    for query in SEARCH_QUERIES:
        params = SearchParams(query=parse_query(query))
        HubSearch(locale=locale).run(params)
        for _ in range(repeats):
            with CaptureQueriesContext(connection) as queries:
                started, cpu = time.perf_counter(), time.process_time()
                HubSearch(locale=locale).run(params)
                ms = (time.perf_counter() - started) * 1000
                cpu_ms = (time.process_time() - cpu) * 1000
            samples.append(Sample(query, ms, cpu_ms, len(queries.captured_queries), 200))
    return Result("search pipeline", samples)


def namesake_plan(n, rng):
    """The partner finder at full gazetteer size: suggestions, a chosen settlement, a name page."""
    from partnerships.models import GazetteerSettlement

    ids = list(GazetteerSettlement.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return {}
    chosen = GazetteerSettlement.objects.filter(pk__in=rng.sample(ids, min(n, len(ids))))
    names = [settlement.name_key for settlement in chosen]
    return {
        "finder suggest": cycle([f"/tezki/suggest/?q={quote(name[:3])}" for name in names], n),
        "finder settlement": cycle([f"/tezki/?settlement={s.pk}" for s in chosen], n),
        "namesake page": cycle([f"/tezki/{quote(name)}/" for name in names], n),
    }


class Runner:
    """Requests through the test client; wall time, queries, status and any exception."""

    def __init__(self):
        self.client = Client(raise_request_exception=False)
        self.last_error = ""
        got_request_exception.connect(self.remember_error, dispatch_uid="tezki-bench")

    def remember_error(self, sender, request=None, **kwargs):
        import sys

        error = sys.exc_info()[1]
        self.last_error = f"{type(error).__name__}: {error}"[:300] if error else "exception"

    def get(self, url, keep_sql=False):
        self.last_error = ""
        # The debug cursor keeps at most 9,000 queries; start each request with an empty log.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            cpu_started = time.process_time()
            started = time.perf_counter()
            try:
                response = self.client.get(url)
                status = response.status_code
            except Exception as error:
                status, self.last_error = 0, f"{type(error).__name__}: {error}"[:300]
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        return Sample(
            url=url,
            ms=elapsed,
            cpu_ms=cpu,
            queries=len(queries.captured_queries),
            status=status,
            error=self.last_error,
            sql=[q["sql"] for q in queries.captured_queries] if keep_sql else [],
            sql_ms=[float(q["time"]) * 1000 for q in queries.captured_queries] if keep_sql else [],
        )


def measure(plan, warmups=2, types=None, log=print):
    runner = Runner()
    results = {}
    for key, urls in plan.items():
        if types and key not in types:
            continue
        if not urls:
            results[key] = Result(key, [])
            continue
        renditions = rendition_count()
        for url in urls[:warmups]:
            runner.get(url)
        primed = ""
        if rendition_count() != renditions:
            # Image renditions are made once per image and filter, on first view: a site in
            # steady state has them, so make them all before timing.
            for url in urls:
                runner.get(url)
            primed = f" (made {rendition_count() - renditions} image renditions first)"
        results[key] = Result(key, [runner.get(url, keep_sql=True) for url in urls])
        r = results[key]
        log(f"  {key:<18} {r.median:7.1f} ms median, {r.max_queries:3d} queries max{primed}")
    return results, runner


def rendition_count():
    from wagtail.images import get_image_model

    return get_image_model().get_rendition_model().objects.count()


def extremes(counts):
    """The keys with the fewest and the most items (ties broken by key)."""
    if len(counts) < 2:
        return None
    ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    return ordered[0], ordered[-1]


def pair(label, ends, note, url=None):
    (small, small_n), (large, large_n) = ends
    url = url or (lambda pk: page_urls([pk])[0])
    return (label, (url(small), note(small_n)), (url(large), note(large_n)))


def scaling_plan():
    """The same page for its fewest and its most items listed: query counts must match."""
    cases = []
    live_coops = CooperationPage.objects.live()
    by_pages = extremes(dict(live_coops.values_list("pk", "numchild")))
    if by_pages:
        cases.append(pair("cooperation page", by_pages, lambda n: f"{n} pages under it"))
    members = Counter(
        dict(
            MembershipChange.objects.current()
            .filter(cooperation__in=live_coops)
            .order_by()
            .values_list("cooperation_id")
            .annotate(n=Count("pk"))
            .values_list("cooperation_id", "n")
        )
    )
    by_members = extremes({pk: members[pk] for pk in live_coops.values_list("pk", flat=True)})
    if by_members:
        cases.append(pair("cooperation page", by_members, lambda n: f"{n} current members"))
    for model, label in (
        (EventIndexPage, "event index ?cooperation="),
        (PublicationIndexPage, "publication index ?cooperation="),
    ):
        if not by_pages or not model.objects.exists():
            continue
        base = page_urls([section(model).pk])[0]
        cases.append(
            pair(
                label,
                by_pages,
                lambda n: f"cooperation with {n} pages",
                url=lambda pk, base=base: f"{base}?cooperation={pk}",
            )
        )
    settlements = SettlementPage.objects.live()
    by_libraries = extremes(dict(settlements.values_list("pk", "numchild")))
    if by_libraries:
        cases.append(pair("settlement page", by_libraries, lambda n: f"{n} libraries"))
    namesakes = Counter(settlements.values_list("name_key", flat=True))
    by_namesakes = extremes(
        {pk: namesakes[key] for pk, key in settlements.values_list("pk", "name_key")}
    )
    if by_namesakes:
        cases.append(pair("settlement page", by_namesakes, lambda n: f"{n - 1} namesakes"))
    changes = dict(
        LibraryPage.objects.live()
        .annotate(n=Count("membership_changes"))
        .order_by()
        .values_list("pk", "n")
    )
    by_changes = extremes(changes)
    if by_changes:
        cases.append(pair("library page", by_changes, lambda n: f"{n} membership changes"))
    return cases


def measure_scaling(runner, cases, repeats=3):
    rows = []
    for label, (small_url, small_note), (large_url, large_note) in cases:
        runner.get(small_url)
        runner.get(large_url)
        small = [runner.get(small_url, keep_sql=True) for _ in range(repeats)]
        large = [runner.get(large_url, keep_sql=True) for _ in range(repeats)]
        rows.append((label, small_note, large_note, small, large))
    return rows


_LITERALS = [
    (re.compile(r"'(?:[^']|'')*'"), "?"),
    (re.compile(r"%s"), "?"),
    (re.compile(r"\b\d+(\.\d+)?\b"), "?"),
    (re.compile(r"\(\s*\?(\s*,\s*\?)*\s*\)"), "(…)"),
]


def normalise_sql(sql):
    for pattern, replacement in _LITERALS:
        sql = pattern.sub(replacement, sql)
    return sql


_SELECT_LIST = re.compile(r"^SELECT (DISTINCT )?(.{120,}?) FROM ", re.S)


def short_sql(sql, limit=500):
    """A statement to read: its select list folded, its FROM … WHERE … kept."""
    sql = _SELECT_LIST.sub(r"SELECT \1… FROM ", normalise_sql(sql), count=1)
    if len(sql) <= limit:
        return sql
    head = limit * 2 // 5
    return f"{sql[:head]} … {sql[-(limit - head) :]}"


def repeated_sql(sqls, top=5):
    """The statements that run more than once in one request, literals folded."""
    counts = Counter(short_sql(s) for s in sqls)
    return [(n, sql) for sql, n in counts.most_common(top) if n > 1]


def slowest_sql(sample, top=3):
    """The statements of one request that took longest in the database."""
    timed = sorted(zip(sample.sql_ms, sample.sql, strict=True), reverse=True)
    return [(ms, short_sql(sql)) for ms, sql in timed[:top]]


def extra_sql(small, large, top=5):
    """Statements the large page runs more often than the small one."""
    extra = Counter(short_sql(s) for s in large) - Counter(short_sql(s) for s in small)
    return extra.most_common(top)


def growth(small, large):
    """Whether the larger page's queries grow with its items, beyond one query per list.

    A page whose list is empty may skip that list's one query (no renditions to fetch, no rows to
    count), so counts can differ by a query or two without growing; a statement that runs several
    times more for the larger page is a query per item.
    """
    worst_small = max(small, key=lambda s: s.queries)
    worst_large = max(large, key=lambda s: s.queries)
    extra = extra_sql(worst_small.sql, worst_large.sql, top=None)
    difference = worst_large.queries - worst_small.queries
    grows = difference > 3 or any(n > 1 for _sql, n in extra)
    return difference, grows
