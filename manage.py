#!/usr/bin/env python3
"""Django's command-line utility for PartyCloud."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# platform/ is the import root of the Django project package; the repository root holds
# tenants/ and services/.
for path in (ROOT, ROOT / "platform"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partycloud.settings")
    from django.core.management import execute_from_command_line

    from services.kernel.actions import COMMAND, acting

    # A command is one action of channel "command" (services/kernel/actions.py); the servers it
    # may start (runserver) set their own per request.
    with acting(channel=COMMAND):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
