"""Profile the search pipeline per query on the bench's database (made for PostgreSQL).

    DATABASE_URL=postgres://…/tezki_bench .venv/bin/python bench/pg_search_profile.py
        [--repeat 3] [--query Q …] [--explain N] [--save NAME]

For every query (the bench's SEARCH_QUERIES, typo queries and two-word queries, or the ones
given with --query) it times `HubSearch.find()` (the engine's ranking, modes exact → corrected →
fuzzy → any) and `HubSearch.run()` (find, then facets and the ten shown hits), and prints the
mode that found something, the hits, the SQL statements of one find(), the slowest of them and
the highest plan cost among them. Past the server's jit_above_cost a statement is JIT-compiled
first (tens of milliseconds): the summary says whether any statement got there.
`--explain N` prints EXPLAIN (ANALYZE, BUFFERS) of the N slowest statements of each query's
find(); `--save NAME` writes the figures to bench/results/pg-profile-NAME.json and `--compare
NAME` prints them next to a saved run. It reads only: it never builds or changes the index.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

TYPO_QUERIES = ["библиатека", "никольскае", "выствка", "семенар", "краеведческй"]
TWO_WORD_QUERIES = [
    "библиотека Никольское",
    "детская библиотека",
    "выставка книг",
    "семинар краеведение",
    "программа чтения",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query")
    parser.add_argument(
        "--query", action="append", dest="queries", help="a query to profile (repeatable)"
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="EXPLAIN (ANALYZE, BUFFERS) the N slowest SQL statements of each query's find()",
    )
    parser.add_argument("--save", metavar="NAME", help="save the figures under this name")
    parser.add_argument("--compare", metavar="NAME", help="show a saved run's figures beside")
    return parser.parse_args(argv)


def configure():
    sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def default_queries():
    from bench.measure import SEARCH_QUERIES

    return list(SEARCH_QUERIES) + TYPO_QUERIES + TWO_WORD_QUERIES


def percentile(values, pct):
    """Nearest-rank percentile, as the relevance command computes it."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-pct * len(ordered) // 100))
    return ordered[int(rank) - 1]


def profile(query, repeat, locale):
    """Figures of one query: find() and run() times, mode, hits, SQL of one find()."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.query import SearchParams, parse_query
    from search.service import HubSearch

    parsed = parse_query(query)
    # One untimed run warms the caches (vocabulary, view restrictions, the plan cache).
    HubSearch(locale=locale).run(SearchParams(query=parsed))
    find_ms, run_ms = [], []
    statements = []
    mode, hits = "", []
    for _ in range(max(1, repeat)):
        hub = HubSearch(locale=locale)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            mode, hits, _effective = hub.find(parsed)
            find_ms.append((time.perf_counter() - started) * 1000)
        statements = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        started = time.perf_counter()
        HubSearch(locale=locale).run(SearchParams(query=parsed))
        run_ms.append((time.perf_counter() - started) * 1000)
    return {
        "query": query,
        "cost": max((plan_cost(sql) for _ms, sql in statements), default=0.0),
        "find_ms": statistics.median(find_ms),
        "run_ms": statistics.median(run_ms),
        "mode": mode or "nothing",
        "hits": len(hits),
        "sql": len(statements),
        "sql_ms": sum(ms for ms, _sql in statements),
        "slowest_sql_ms": max((ms for ms, _sql in statements), default=0.0),
        "statements": statements,
    }


def explain(sql):
    """EXPLAIN (ANALYZE, BUFFERS) of a captured statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_cost(sql):
    """The planner's estimated total cost of a captured query (0 for other statements)."""
    from django.db import connection

    if connection.vendor != "postgresql" or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Total Cost"])


def main(argv=None):
    args = parse_args(argv)
    configure()
    from django.conf import settings
    from django.db import connection
    from django.utils import translation
    from wagtail.models import Locale

    backend = settings.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]
    print(f"Database: {connection.vendor} «{connection.settings_dict['NAME']}»; backend {backend}")
    translation.activate(settings.LANGUAGE_CODE)
    locale = Locale.get_default()
    previous = {}
    if args.compare:
        saved = json.loads((RESULTS / f"pg-profile-{args.compare}.json").read_text())
        previous = {row["query"]: row for row in saved["rows"]}
    rows = []
    header = (
        f"{'query':<26} {'find ms':>9} {'run ms':>9} {'mode':<9} {'hits':>5} {'sql':>4} "
        f"{'slowest':>8} {'cost':>8}"
    )
    if previous:
        header += f" {'before':>9}"
    print(header)
    for query in args.queries or default_queries():
        row = profile(query, args.repeat, locale)
        rows.append(row)
        line = (
            f"{query[:26]:<26} {row['find_ms']:>9.1f} {row['run_ms']:>9.1f} {row['mode']:<9} "
            f"{row['hits']:>5} {row['sql']:>4} {row['slowest_sql_ms']:>8.1f} {row['cost']:>8.0f}"
        )
        if query in previous:
            line += f" {previous[query]['find_ms']:>9.1f}"
        print(line, flush=True)
        if args.explain:
            for ms, sql in sorted(row["statements"], reverse=True)[: args.explain]:
                print(f"\n--- {ms:.1f} ms: {sql[:3000]}\n{explain(sql)}\n", flush=True)
    summary = {}
    for key in ("find_ms", "run_ms"):
        values = [row[key] for row in rows]
        summary[key] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
        line = f"{key[:-3]}(): p50 {summary[key]['p50']:.1f} ms, p95 {summary[key]['p95']:.1f} ms"
        if previous:
            before = [previous[row["query"]][key] for row in rows if row["query"] in previous]
            line += (
                f"   (saved run «{args.compare}»: p50 {percentile(before, 50):.1f} ms, "
                f"p95 {percentile(before, 95):.1f} ms)"
            )
        print(line)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('jit_above_cost')")
            jit, jit_above_cost = cursor.fetchone()
        highest = summary["highest_cost"] = max(row["cost"] for row in rows)
        jitted = jit == "on" and 0 <= float(jit_above_cost) < highest
        print(
            f"highest plan cost {highest:.0f}; jit {jit}, jit_above_cost {jit_above_cost}: "
            + ("some statements are JIT-compiled" if jitted else "no statement is JIT-compiled")
        )
    if args.save:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"pg-profile-{args.save}.json"
        kept = [{k: v for k, v in row.items() if k != "statements"} for row in rows]
        path.write_text(
            json.dumps({"summary": summary, "rows": kept}, ensure_ascii=False, indent=1)
        )
        print(f"Saved to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
