"""Import or update the therapy directory: `python scripts/import_resources.py FILE [--db URL]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# Run as a script, the project's own package is not on the path unless installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from coach.directory import import_resources  # noqa: E402
from coach.store import database_url, open_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split(":")[0])
    parser.add_argument("file", type=Path, help="resources file, laid out like content/directory.yml")
    parser.add_argument("--db", help="database URL (default: TRUST_COACH_DB_URL or SQLite under var/)")
    args = parser.parse_args(argv)

    engine = open_store(args.db or database_url()).engine
    result = import_resources(engine, args.file)
    if not result.ok:
        print(f"{args.file}: {len(result.errors)} error(s), nothing imported:", file=sys.stderr)
        for error in result.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(
        f"{args.file}: imported {result.count} resources "
        f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
