"""The hub's benchmark: a generated hub at scale and timed page requests (issue 2)."""
