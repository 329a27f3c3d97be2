"""The judged relevance set (judgements.toml) and its measures: MRR@10, recall@10, latency.

recall@10 here is the share of a query's right answers found in the top ten, out of at most
ten: a query with 34 right answers (every library) can still score 1.0.
"""

import statistics
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, Page

from search.query import SearchParams, parse_query
from search.service import HubSearch

JUDGEMENTS = Path(__file__).resolve().parent / "judgements.toml"
TOP = 10


@dataclass
class Judgement:
    q: str
    kind: str
    relevant: list = field(default_factory=list)
    relevant_type: str = ""

    def key(self, hit):
        """The hit's name as this judgement may use it: doc:<title>, or the last one or two
        segments of the page's path."""
        obj = hit.object
        if obj is None:
            return "?"
        if hit.kind == "document":
            return "doc:" + obj.title
        parts = [part for part in obj.url_path.split("/") if part]
        for length in (2, 1):
            key = "/".join(parts[-length:])
            if key in self.relevant:
                return key
        return "/".join(parts[-2:])

    def matches(self, hit):
        if self.relevant_type:
            return hit.type == self.relevant_type
        return self.key(hit) in self.relevant

    def wanted(self, type_counts):
        """How many right answers the top ten can hold."""
        if self.relevant_type:
            return max(1, min(TOP, type_counts.get(self.relevant_type, 0)))
        return min(TOP, len(self.relevant))


def load_judgements(path=JUDGEMENTS):
    with open(path, "rb") as f:
        return [Judgement(**item) for item in tomllib.load(f)["query"]]


def missing_pages(judgements):
    """Judged pages that match no live page: the demo content is absent or has changed."""
    paths = [path.rstrip("/") for path in Page.objects.live().values_list("url_path", flat=True)]
    missing = {
        key
        for judgement in judgements
        for key in judgement.relevant
        if not key.startswith("doc:") and not any(path.endswith("/" + key) for path in paths)
    }
    return sorted(missing)


def live_type_counts(locale):
    counts = Counter()
    for content_type_id in (
        Page.objects.live().filter(locale=locale).values_list("content_type_id", flat=True)
    ):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            counts[model._meta.model_name] += 1
    return counts


@dataclass
class QueryResult:
    judgement: Judgement
    reciprocal_rank: float
    recall: float
    latencies: list
    top: list


def evaluate(judgements, alias="default", repeat=3, locale=None, engine_only=False):
    """Run every judged query through the search page's own pipeline on one backend."""
    locale = locale or Locale.get_default()
    type_counts = live_type_counts(locale)
    results = []
    for judgement in judgements:
        latencies = []
        outcome = None
        for _ in range(max(1, repeat)):
            hub = HubSearch(locale=locale, alias=alias, engine_only=engine_only)
            params = SearchParams(query=parse_query(judgement.q))
            started = time.perf_counter()
            outcome = hub.run(params)
            latencies.append((time.perf_counter() - started) * 1000)
        top = list(outcome.page or [])[:TOP]
        ranks = [rank for rank, hit in enumerate(top, start=1) if judgement.matches(hit)]
        results.append(
            QueryResult(
                judgement=judgement,
                reciprocal_rank=1 / ranks[0] if ranks else 0.0,
                recall=min(1.0, len(ranks) / judgement.wanted(type_counts)),
                latencies=latencies,
                top=[judgement.key(hit) for hit in top],
            )
        )
    return results


def percentile(values, pct):
    """Nearest-rank percentile."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-pct * len(ordered) // 100))
    return ordered[int(rank) - 1]


def summarise(results):
    latencies = [latency for result in results for latency in result.latencies]
    return {
        "queries": len(results),
        "mrr": statistics.fmean(r.reciprocal_rank for r in results) if results else 0.0,
        "recall": statistics.fmean(r.recall for r in results) if results else 0.0,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
    }
