"""Prepares a production deployment: the PostgreSQL databases, and nginx's config from its template.

    python scripts/prepare_cluster.py databases      # from TRUST_COACH_DB_URL and TRUST_COACH_TRACKER_DB_*
    python scripts/prepare_cluster.py nginx --listen 80 --rasa 10.0.0.5:5005 10.0.0.6:5005 \
        --actions 10.0.0.7:5055 --action-clients 10.0.0.0/24 --run-dir /var/lib/trust-coach > nginx.conf

`make cluster` (scripts/cluster.sh) runs both for this machine.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from string import Template

PROJECT_DIR = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = PROJECT_DIR / "deploy" / "nginx.conf.template"


def render_nginx(
    listen: str, rasa: list[str], actions: list[str], action_clients: list[str], run_dir: Path,
    template: str | None = None,
) -> str:
    """nginx's config: the template with the servers, the allowed callers and the folders filled in."""
    template = template if template is not None else NGINX_TEMPLATE.read_text()
    values = {
        "LISTEN": listen,
        "RASA_SERVERS": "\n".join(f"        server {address};" for address in rasa),
        "ACTION_SERVERS": "\n".join(f"        server {address};" for address in actions),
        "ACTION_CLIENTS": "\n".join(f"            allow {client};" for client in action_clients),
        "RUN_DIR": str(run_dir),
    }
    # nginx's own variables ($host, $http_upgrade...) are lower case and left as they are.
    return Template(template).safe_substitute(values)


def tracker_db_url() -> str:
    """The tracker store's database, from the variables deploy/endpoints.production.yml reads."""
    from sqlalchemy.engine import URL

    return URL.create(
        "postgresql",
        username=os.environ["TRUST_COACH_TRACKER_DB_USER"],
        password=os.environ.get("TRUST_COACH_TRACKER_DB_PASSWORD") or None,
        host=os.environ["TRUST_COACH_TRACKER_DB_HOST"],
        port=int(os.environ["TRUST_COACH_TRACKER_DB_PORT"]),
        database=os.environ["TRUST_COACH_TRACKER_DB_NAME"],
    ).render_as_string(hide_password=False)


def create_database(url: str) -> bool:
    """Creates the PostgreSQL database a URL names unless it exists; whether it was created."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            )
            if not exists:
                # A database name cannot be a bound parameter; quoting keeps it one identifier.
                name = admin.dialect.identifier_preparer.quote(target.database)
                connection.execute(text(f"CREATE DATABASE {name}"))
        return not exists
    finally:
        admin.dispose()


def prepare_databases() -> None:
    """The tracker store's and the coach's databases exist, and the coach's is migrated."""
    from coach.store import database_url, open_store

    for label, url in (("tracker store", tracker_db_url()), ("coach", database_url())):
        if create_database(url):
            print(f"Created the {label} database {url.rsplit('/', 1)[-1]}.")
    # Migrated here, before any server starts: each action server migrates on first use too (a no-op
    # by then), and two starting at once on a fresh database would otherwise both try.
    open_store(database_url()).engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("databases", help="create the PostgreSQL databases if missing; migrate the coach's")
    nginx = commands.add_parser("nginx", help="print nginx's config for these servers")
    nginx.add_argument("--listen", required=True, help="address or port nginx listens on")
    nginx.add_argument("--rasa", nargs="+", required=True, help="host:port of each Rasa replica")
    nginx.add_argument("--actions", nargs="+", required=True, help="host:port of each action server")
    nginx.add_argument("--action-clients", nargs="+", required=True,
                       help="addresses or networks of the Rasa replicas, the only callers of the actions")
    nginx.add_argument("--run-dir", type=Path, required=True, help="folder for nginx's pid, logs, temp files")
    args = parser.parse_args(argv)

    if args.command == "databases":
        prepare_databases()
    else:
        sys.stdout.write(render_nginx(args.listen, args.rasa, args.actions, args.action_clients,
                                      args.run_dir.resolve()))


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    main()
