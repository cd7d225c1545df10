"""Deletes conversations older than N days, and the coach's records for them: `make purge DAYS=N`.

Reads the tracker store from the endpoints file Rasa runs with (ENDPOINTS, default endpoints.yml)
and the coach's database from TRUST_COACH_DB_URL, as the servers do.
"""

from __future__ import annotations

import argparse
import os

from rasa.core.tracker_store import TrackerStore
from rasa.utils.endpoints import read_endpoint_config

from channels.privacy import purge_older_than
from coach.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("days", type=float, help="delete conversations idle for more than this many days")
    parser.add_argument("--endpoints", default=os.environ.get("ENDPOINTS", "endpoints.yml"))
    arguments = parser.parse_args()
    if arguments.days < 0:
        parser.error("DAYS must be zero or more")
    # Purging reads only the tracker store; Rasa insists that every ${VARIABLE} of the file is set.
    os.environ.setdefault("TRUST_COACH_ACTION_TOKEN", "")
    tracker_store = TrackerStore.create(read_endpoint_config(arguments.endpoints, "tracker_store"))
    senders = purge_older_than(tracker_store, open_store(), arguments.days)
    print(f"Deleted {len(senders)} conversation(s) idle for more than {arguments.days:g} days.")


if __name__ == "__main__":
    main()
