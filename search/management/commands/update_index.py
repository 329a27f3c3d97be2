import time

from modelsearch.management.commands.rebuild_modelsearch_index import (
    Command as RebuildIndexCommand,
)

from search.facets import rebuild_facts


class Command(RebuildIndexCommand):
    """Wagtail's update_index, then the facets' facts of every live page (search.models.
    PageFacts): after a full reindex, no search has to derive them."""

    def handle(self, **options):
        super().handle(**options)
        started = time.perf_counter()
        kept = rebuild_facts()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Search facets: facts of {kept} pages in {time.perf_counter() - started:.1f} s"
            )
