#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main():
    # The Django project package lives in site/config: site/ is a plain folder,
    # because a package named "site" can never be imported (see README).
    sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
