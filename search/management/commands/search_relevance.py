import dataclasses
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from search.relevance import (
    JUDGEMENTS,
    evaluate,
    load_judgements,
    missing_pages,
    percentile,
    summarise,
)
from search.service import backend

# A key no page or document has: a query judged to have no right answer is run with it, so
# that whatever it returns is counted as noise.
NOTHING = "\x00nothing"


def tier_name(alias):
    """sqlite, postgresql, opensearch or elasticsearch: what answers behind an alias."""
    module = type(backend(alias)).__module__
    for name, marker in (
        ("sqlite", "sqlite"),
        ("postgresql", "postgres"),
        ("opensearch", "opensearch"),
        ("elasticsearch", "elasticsearch"),
    ):
        if marker in module:
            return name
    return module


class Command(BaseCommand):
    help = (
        "Measure the search against a judged relevance set (by default "
        "search/relevance/judgements.toml) over the demo content: MRR@10, recall@10 and p50/p95 "
        "latency of the search page's pipeline, for every configured search backend (the engine "
        "and the database tier). Queries judged to have no right answer (relevant = []) are "
        "left out of MRR and recall and counted apart: how many came back empty."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--judgements",
            type=Path,
            default=JUDGEMENTS,
            metavar="PATH",
            help="The judged set to measure (a TOML file in the format of judgements.toml).",
        )
        parser.add_argument(
            "--backend",
            action="append",
            dest="aliases",
            help="A WAGTAILSEARCH_BACKENDS alias to measure (repeatable; default: all).",
        )
        parser.add_argument(
            "--repeat", type=int, default=3, help="Runs of each query for the latency figures."
        )
        parser.add_argument(
            "--update-index",
            action="store_true",
            help="Rebuild each measured backend's index first (update_index).",
        )
        parser.add_argument(
            "--min-mrr",
            type=float,
            default=None,
            help="Fail (exit code 1) when a backend's MRR@10 is below this value.",
        )
        parser.add_argument(
            "--engine-only",
            action="store_true",
            help="Measure the engines' own ranking, without the hub's spelling correction "
            "and type, kind and settlement-name hints.",
        )
        parser.add_argument(
            "--details",
            action="store_true",
            help="Print every query with its reciprocal rank and top results.",
        )

    def handle(
        self,
        *args,
        aliases=None,
        repeat=3,
        update_index=False,
        min_mrr=None,
        details=False,
        engine_only=False,
        judgements=JUDGEMENTS,
        **options,
    ):
        try:
            judgements = load_judgements(judgements)
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise CommandError(f"Cannot read the judged set {judgements}: {error}") from error
        negatives = [j for j in judgements if not j.relevant and not j.relevant_type]
        judgements = [j for j in judgements if j.relevant or j.relevant_type]
        if not judgements:
            raise CommandError("The judged set has no query with a right answer.")
        missing = missing_pages(judgements)
        if missing:
            raise CommandError(
                "The judged pages are not all there (run partnerships_demo first); missing: "
                + ", ".join(missing[:8])
                + (" …" if len(missing) > 8 else "")
            )
        aliases = aliases or list(settings.WAGTAILSEARCH_BACKENDS)
        unknown = [alias for alias in aliases if alias not in settings.WAGTAILSEARCH_BACKENDS]
        if unknown:
            raise CommandError("Unknown search backend alias: " + ", ".join(unknown))

        rows, failures = [], []
        for alias in aliases:
            if update_index:
                call_command("update_index", backend_name=alias, stdout=self.stdout)
            results = evaluate(judgements, alias=alias, repeat=repeat, engine_only=engine_only)
            noise = evaluate(
                [dataclasses.replace(j, relevant=[NOTHING]) for j in negatives],
                alias=alias,
                repeat=repeat,
                engine_only=engine_only,
            )
            summary = summarise(results)
            if noise:
                latencies = [ms for result in results + noise for ms in result.latencies]
                summary["p50"] = percentile(latencies, 50)
                summary["p95"] = percentile(latencies, 95)
                summary["empty"] = sum(1 for result in noise if not result.top)
            tier = tier_name(alias)
            rows.append((tier, alias, summary))
            if details:
                self._details(tier, results + noise)
            self._by_kind(tier, results)
            self._noise(tier, noise)
            if min_mrr is not None and summary["mrr"] < min_mrr:
                failures.append(f"{tier} ({alias}): MRR@10 {summary['mrr']:.3f} < {min_mrr}")

        self.stdout.write("")
        header = f"{'tier':<14}{'backend':<10}{'queries':>8}{'MRR@10':>9}{'recall@10':>11}"
        header += f"{'p50 ms':>9}{'p95 ms':>9}"
        self.stdout.write(header + (f"{'no-answer empty':>17}" if negatives else ""))
        for tier, alias, s in rows:
            line = (
                f"{tier:<14}{alias:<10}{s['queries']:>8}{s['mrr']:>9.3f}{s['recall']:>11.3f}"
                f"{s['p50']:>9.1f}{s['p95']:>9.1f}"
            )
            if negatives:
                line += f"{str(s['empty']) + '/' + str(len(negatives)):>17}"
            self.stdout.write(line)
        if failures:
            raise CommandError("; ".join(failures))

    def _by_kind(self, tier, results):
        groups = defaultdict(list)
        for result in results:
            groups[result.judgement.kind].append(result)
        parts = [
            f"{kind} {sum(r.reciprocal_rank for r in group) / len(group):.2f}"
            for kind, group in groups.items()
        ]
        self.stdout.write(f"{tier}: MRR@10 by kind — " + ", ".join(parts))

    def _noise(self, tier, noise):
        """What came first for the queries that should have found nothing."""
        if not noise:
            return
        hits = [f"{r.judgement.q!r} → {r.top[0]}" for r in noise if r.top]
        empty = len(noise) - len(hits)
        self.stdout.write(
            f"{tier}: no-answer queries empty {empty}/{len(noise)}"
            + ("; rank 1 instead: " + ", ".join(hits) if hits else "")
        )

    def _details(self, tier, results):
        for result in results:
            self.stdout.write(
                f"[{tier}] RR={result.reciprocal_rank:.2f} R={result.recall:.2f} "
                f"{result.judgement.q!r}: " + " | ".join(result.top[:5])
            )
