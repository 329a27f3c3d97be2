from search.management.commands.update_index import Command  # noqa: F401
