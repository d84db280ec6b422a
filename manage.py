#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    # An empty DJANGO_SETTINGS_MODULE counts as unset (some tools export it empty).
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        os.environ["DJANGO_SETTINGS_MODULE"] = "cms.settings.dev"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
