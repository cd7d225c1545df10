"""The therapy and helpline directory, on SQLite and on PostgreSQL: schema, seed, searches, imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.directory import (
    SEED_FILE,
    Resource,
    ResourceKind,
    count,
    find,
    import_resources,
    seed,
    valid_reach,
    validate,
)
from coach.store import PROJECT_DIR, Base, migrate

SOURCE = PROJECT_DIR.parent / "shared" / "source" / "resources.md"
DIRECTORY_TABLES = {"resources", "resource_kinds"}

HELPLINE = "Find A Helpline"
GOTTMAN = "Gottman Referral Network"


@pytest.fixture()
def engine(any_store):
    """A fresh, migrated, empty database of each kind."""
    return any_store.engine


@pytest.fixture()
def seeded(engine):
    """The database with content/directory.yml imported."""
    seed(engine)
    return engine


def write(tmp_path: Path, body: str, checked: str = "2026-11-27") -> Path:
    """An import file with this `resources:` body (indented as in the file)."""
    path = tmp_path / f"resources-{uuid.uuid4().hex[:6]}.yml"
    path.write_text(f"checked: {checked}\nresources:\n" + textwrap.dedent(body).strip("\n") + "\n")
    return path


def line_of(path: Path, fragment: str) -> int:
    """The 1-based line of the first line containing fragment, counted independently of YAML."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in {path}")


def names(matches) -> list[str]:
    return [resource.name for resource in matches.resources]


def reach_of(engine, name: str, country: str) -> str | None:
    with Session(engine) as session:
        return session.scalar(
            select(Resource.how_to_reach).where(Resource.name == name, Resource.country == country)
        )


GOOD_ROWS = """
- name: Crisis Text Line
  kinds: [crisis]
  reach: text HOME to 741741
  good_for: any crisis, by text
  country: US
- name: Samaritans
  kinds: [crisis]
  reach: 116 123
  good_for: a helpline in the UK, by phone
  country: UK
"""


# --- Schema ---------------------------------------------------------------------------------------


def test_the_migration_creates_the_tables_the_models_describe_and_can_run_twice(engine):
    migrate(engine)
    assert DIRECTORY_TABLES <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = [
            difference
            for difference in compare_metadata(context, Base.metadata)
            if any(table in repr(difference) for table in DIRECTORY_TABLES)
        ]
    assert differences == []


def test_the_migration_can_be_undone_and_redone(engine):
    config = Config()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert not DIRECTORY_TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert DIRECTORY_TABLES <= set(inspect(engine).get_table_names())


def test_a_resource_is_unique_by_name_and_country_and_keeps_several_kinds(engine):
    checked = date(2026, 11, 27)
    with Session(engine) as session, session.begin():
        session.add(
            Resource(
                name="Helpline",
                how_to_reach="988",
                country="US",
                checked=checked,
                kind_rows=[ResourceKind(kind="crisis"), ResourceKind(kind="online")],
            )
        )
        session.add(Resource(name="Helpline", how_to_reach="116 123", country="UK", checked=checked))
    with Session(engine) as session:
        us = session.scalars(select(Resource).where(Resource.country == "US")).one()
        assert us.kinds == ["crisis", "online"]
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        session.add(Resource(name="Helpline", how_to_reach="911", country="US", checked=checked))
    assert count(engine) == 2


# --- Seed -----------------------------------------------------------------------------------------


def test_the_seed_fills_an_empty_directory_once(engine):
    assert count(engine) == 0
    result = seed(engine)
    assert result is not None and result.created == 12
    assert seed(engine) is None
    assert count(engine) == 12
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ResourceKind)) == 25


def test_the_seed_leaves_a_directory_an_operator_filled(engine, tmp_path):
    import_resources(engine, write(tmp_path, GOOD_ROWS))
    assert seed(engine) is None
    assert count(engine) == 2


def test_the_seed_file_is_valid_and_every_way_to_reach_is_written_in_the_source():
    assert validate(SEED_FILE) == []
    if not SOURCE.exists():
        pytest.skip(f"{SOURCE} is not on this machine")
    source = SOURCE.read_text(encoding="utf-8")
    import yaml

    for resource in yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))["resources"]:
        assert str(resource["reach"]) in source, resource["name"]


# --- Searches -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        (
            "partner",
            ["AAMFT Therapist Locator", "Psychology Today therapist finder", "ICEEFT Find a Therapist"],
        ),
        (
            "couple",
            ["AAMFT Therapist Locator", "Psychology Today therapist finder", "ICEEFT Find a Therapist"],
        ),
        ("low_cost", ["Open Path Collective"]),
        ("online", ["Psychology Today therapist finder"]),
        (
            "crisis",
            [
                "988 Suicide & Crisis Lifeline",
                "Crisis Text Line",
                "National Domestic Violence Hotline (The Hotline)",
            ],
        ),
    ],
)
def test_each_need_in_the_us_finds_us_resources_first(seeded, need, expected):
    matches = find(seeded, need)
    assert names(matches) == expected
    assert matches.exact_country


def test_a_search_shows_how_to_reach_and_what_each_is_good_for(seeded):
    crisis = find(seeded, "crisis", limit=2).resources
    assert [(r.reach, r.good_for) for r in crisis] == [
        (
            "988",
            "thoughts of suicide or self-harm, emotional crisis (call or text 988; chat at 988lifeline.org)",
        ),
        ("text HOME to 741741", "any crisis, by text"),
    ]
    assert crisis[0].checked == date(2026, 11, 27)
    assert find(seeded, "low_cost").resources[0].reach == "openpathcollective.org"


def test_worldwide_resources_follow_the_countrys_own(seeded):
    crisis = names(find(seeded, "crisis", limit=10))
    assert crisis[-2:] == ["love is respect", HELPLINE]
    couples = names(find(seeded, "couple", limit=10))
    assert couples[-1] == GOTTMAN and len(couples) == 4


def test_in_the_uk_a_crisis_finds_the_uk_lines(seeded):
    matches = find(seeded, "crisis", country="UK")
    assert names(matches) == ["Samaritans", "National Domestic Abuse Helpline (Refuge)", HELPLINE]
    assert [r.reach for r in matches.resources[:2]] == ["116 123", "0808 2000 247"]
    assert matches.exact_country
    assert names(find(seeded, "crisis", country="uk")) == names(matches)


def test_in_the_uk_couples_therapy_finds_the_worldwide_directory_that_serves_it(seeded):
    matches = find(seeded, "couple", country="UK")
    assert names(matches) == [GOTTMAN]
    assert not matches.exact_country


@pytest.mark.parametrize("need", ["partner", "low_cost", "online"])
def test_in_the_uk_therapy_without_a_listed_service_falls_back_honestly(seeded, need):
    matches = find(seeded, need, country="UK")
    assert names(matches) == [HELPLINE]
    assert not matches.exact_country


@pytest.mark.parametrize(
    ("need", "expected"),
    [("crisis", [HELPLINE]), ("partner", [HELPLINE]), ("low_cost", [HELPLINE]), ("couple", [GOTTMAN])],
)
def test_a_country_with_nothing_listed_gets_the_worldwide_entries_and_is_told_so(seeded, need, expected):
    matches = find(seeded, need, country="FR")
    assert names(matches) == expected
    assert not matches.exact_country


def test_searches_work_in_a_session_too_and_reject_an_unknown_need(seeded):
    with Session(seeded) as session:
        assert names(find(session, "low_cost")) == ["Open Path Collective"]
    with pytest.raises(ValueError, match="unknown need 'astrology'"):
        find(seeded, "astrology")


def test_an_empty_directory_finds_nothing(engine):
    matches = find(engine, "crisis", country="UK")
    assert matches.resources == [] and not matches.exact_country


# --- Import ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reach",
    [
        "988",
        "1-800-799-7233",
        "116 123",
        "0808 2000 247",
        "text HOME to 741741",
        "findahelpline.com",
        "psychologytoday.com/us/therapists",
        "https://www.example.org/find",
    ],
)
def test_these_ways_to_reach_are_accepted(reach):
    assert valid_reach(reach)


@pytest.mark.parametrize(
    "reach", ["call me maybe", "http//broken", "", "12", "text to 741741", "1-800-799-SAFE"]
)
def test_these_ways_to_reach_are_rejected(reach):
    assert not valid_reach(reach)


def test_a_valid_file_adds_then_updates_by_name_and_country_and_keeps_other_rows(engine, tmp_path):
    first = import_resources(engine, write(tmp_path, GOOD_ROWS))
    assert (first.ok, first.created, first.updated) == (True, 2, 0)
    assert names(find(engine, "crisis", country="UK")) == ["Samaritans"]

    changed = write(
        tmp_path,
        """
        - name: Samaritans
          kinds: [crisis, online]
          reach: samaritans.example.org
          good_for: a helpline in the UK
          country: UK
        - name: Samaritans
          kinds: [crisis]
          reach: 116 123
          country: IE
        """,
        checked="2026-12-01",
    )
    second = import_resources(engine, changed)
    assert (second.ok, second.created, second.updated, second.unchanged) == (True, 1, 1, 0)
    assert count(engine) == 3
    samaritans = find(engine, "online", country="UK").resources
    assert [(r.name, r.reach, r.kinds, r.checked) for r in samaritans] == [
        ("Samaritans", "samaritans.example.org", ("crisis", "online"), date(2026, 12, 1))
    ]
    assert reach_of(engine, "Crisis Text Line", "US") == "text HOME to 741741"
    assert import_resources(engine, changed).unchanged == 2


def test_an_import_in_a_session_is_committed_by_the_caller(engine, tmp_path):
    with Session(engine) as session:
        result = import_resources(session, write(tmp_path, GOOD_ROWS))
        assert result.created == 2
        session.rollback()
    assert count(engine) == 0
    with Session(engine) as session, session.begin():
        import_resources(session, write(tmp_path, GOOD_ROWS))
    assert count(engine) == 2


BAD_ROWS = [
    pytest.param(
        """
        - kinds: [crisis]
          reach: "988"
          country: US
        """,
        "- kinds: [crisis]",
        "missing name",
        id="missing name",
    ),
    pytest.param(
        """
        - name: "  "
          kinds: [crisis]
          reach: "988"
          country: US
        """,
        'name: "  "',
        "missing name",
        id="blank name",
    ),
    pytest.param(
        """
        - name: Couples Helpline
          kinds:
            - couples
            - therapy
          reach: "988"
          country: US
        """,
        "- therapy",
        "unknown kind 'therapy' for 'Couples Helpline' (known: individual, couples, low_cost, online, "
        "crisis, abuse, directory)",
        id="unknown kind",
    ),
    pytest.param(
        """
        - name: Couples Helpline
          reach: "988"
          country: US
        """,
        "- name: Couples Helpline",
        "missing kinds for 'Couples Helpline'",
        id="no kinds",
    ),
    pytest.param(
        """
        - name: Maybe Line
          kinds: [crisis]
          reach: call me maybe
          country: US
        """,
        "call me maybe",
        "malformed reach 'call me maybe' for 'Maybe Line'",
        id="reach in words",
    ),
    pytest.param(
        """
        - name: Broken Site
          kinds: [directory]
          reach: http//broken
          country: US
        """,
        "http//broken",
        "malformed reach 'http//broken' for 'Broken Site'",
        id="broken address",
    ),
    pytest.param(
        """
        - name: Empty Line
          kinds: [crisis]
          reach: ""
          country: US
        """,
        'reach: ""',
        "missing reach for 'Empty Line'",
        id="empty reach",
    ),
    pytest.param(
        """
        - name: Nowhere Line
          kinds: [crisis]
          reach: "988"
        """,
        "- name: Nowhere Line",
        "missing country for 'Nowhere Line'",
        id="missing country",
    ),
    pytest.param(
        """
        - name: French Line
          kinds: [crisis]
          reach: "3114"
          country: France
        """,
        "country: France",
        "invalid country 'France' for 'French Line': a two-letter code such as US or UK, or ANY",
        id="invalid country",
    ),
    pytest.param(
        """
        - name: Samaritans  # again
          kinds: [crisis]
          reach: 116 123
          country: UK
        """,
        "# again",
        "'Samaritans' in UK is already listed on line",
        id="listed twice",
    ),
]


@pytest.mark.parametrize(("bad_row", "marker", "message"), BAD_ROWS)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(
    engine, tmp_path, bad_row, marker, message
):
    path = write(tmp_path, GOOD_ROWS + textwrap.dedent(bad_row))
    line = line_of(path, marker)

    errors = validate(path)
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"line {line}: {message}")

    result = import_resources(engine, path)
    assert not result.ok and [str(e) for e in result.errors] == [str(e) for e in errors]
    assert count(engine) == 0


def test_every_bad_row_in_a_file_is_listed_at_once(tmp_path):
    path = write(
        tmp_path,
        """
        - name: One
          kinds: [crisis, hugs]
          reach: call me maybe
          country: usa
        - kinds: [crisis]
          reach: "988"
          country: US
        """,
    )
    assert [str(error) for error in validate(path)] == [
        f"line {line_of(path, 'hugs')}: unknown kind 'hugs' for 'One' (known: individual, couples, "
        "low_cost, online, crisis, abuse, directory)",
        f"line {line_of(path, 'call me maybe')}: malformed reach 'call me maybe' for 'One': expected a phone "
        "number (988, 1-800-799-7233), 'text WORD to NUMBER', or a web address (domain.tld/path)",
        f"line {line_of(path, 'usa')}: invalid country 'usa' for 'One': a two-letter code such as US or UK, "
        "or ANY",
        f"line {line_of(path, '- kinds: [crisis]')}: missing name",
    ]


def test_a_broken_file_is_reported_not_raised(tmp_path):
    unparsable = tmp_path / "unparsable.yml"
    unparsable.write_text("checked: 2026-11-27\nresources:\n  - name: [unclosed\n")
    assert str(validate(unparsable)[0]).startswith("line 4: not valid YAML")
    undated = tmp_path / "undated.yml"
    undated.write_text("checked: last week\nresources: []\n")
    assert [str(e) for e in validate(undated)] == ["line 1: `checked` must be a date written YYYY-MM-DD"]
    assert str(validate(tmp_path / "missing.yml")[0]).startswith("cannot read")


def test_one_bad_row_among_good_ones_writes_nothing(seeded, tmp_path):
    path = write(
        tmp_path,
        """
        - name: Crisis Text Line
          kinds: [crisis]
          reach: text HELLO to 741741
          good_for: any crisis, by text
          country: US
        - name: A New Line
          kinds: [crisis]
          reach: "3114"
          country: FR
        - name: Bad Line
          kinds: [crisis]
          reach: http//broken
          country: US
        """,
    )
    result = import_resources(seeded, path)
    assert [str(error) for error in result.errors] == [
        f"line {line_of(path, 'http//broken')}: malformed reach 'http//broken' for 'Bad Line': expected a "
        "phone number (988, 1-800-799-7233), 'text WORD to NUMBER', or a web address (domain.tld/path)"
    ]
    assert count(seeded) == 12
    assert reach_of(seeded, "Crisis Text Line", "US") == "text HOME to 741741"
    assert find(seeded, "crisis", country="FR").resources[0].name == HELPLINE


# --- The command an operator runs -----------------------------------------------------------------


def run_import(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "import_resources.py"), *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_DIR,
        timeout=120,
    )


def test_the_import_command_reports_a_count_or_the_errors(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    done = run_import(str(SEED_FILE), "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{SEED_FILE}: imported 12 resources (12 new, 0 updated, 0 unchanged)"

    bad = write(tmp_path, GOOD_ROWS + "- name: Maybe\n  kinds: [crisis]\n  reach: call me maybe\n")
    failed = run_import(str(bad), "--db", url)
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert f"line {line_of(bad, 'call me maybe')}: malformed reach 'call me maybe'" in failed.stderr
    assert f"line {line_of(bad, '- name: Maybe')}: missing country for 'Maybe'" in failed.stderr
    assert count(engine) == 12
