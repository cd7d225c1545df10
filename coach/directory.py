"""The therapy and helpline directory: resources by kind and country, imported from a checked YAML file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, relationship, selectinload

from coach.store import PROJECT_DIR, Base

SEED_FILE = PROJECT_DIR / "content" / "directory.yml"

KINDS = ("individual", "couples", "low_cost", "online", "crisis", "abuse", "directory")
# What a person asks for, and the kind of resource that answers it.
NEEDS = {
    "partner": "individual",  # individual therapy for the partner
    "couple": "couples",
    "low_cost": "low_cost",
    "online": "online",
    "crisis": "crisis",
    "abuse": "abuse",  # specialist support, the only listing once abuse is disclosed
}
THERAPY_KINDS = {"individual", "couples", "low_cost", "online"}
WORLDWIDE = "ANY"

NAME_LENGTH = 200
REACH_LENGTH = 300

# The three ways to reach a resource: a phone number ("988", "1-800-799-7233", "116 123",
# "0808 2000 247"), a text code ("text HOME to 741741"), or a web address ("domain.tld/path").
PHONE = re.compile(r"\+?\d+(?:[ -]\d+)*")
TEXT_CODE = re.compile(r"text [A-Za-z0-9]+ to \d{3,15}")
WEB_ADDRESS = re.compile(
    r"(?:https?://)?(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/[^\s/]+)*/?", re.IGNORECASE
)
# "US", "UK": two capitals, ISO-like (the UK is "UK", as people write it, not ISO's "GB").
COUNTRY = re.compile(r"[A-Z]{2}")


class Resource(Base):
    """A helpline or therapist directory a person can be pointed to."""

    __tablename__ = "resources"
    __table_args__ = (UniqueConstraint("name", "country", name="uq_resources_name_country"),)

    id = Column(Integer, primary_key=True)
    name = Column(String(NAME_LENGTH), nullable=False)
    how_to_reach = Column(String(REACH_LENGTH), nullable=False)
    good_for = Column(Text)
    country = Column(String(3), nullable=False)  # "US", "UK", ... or "ANY" for worldwide
    checked = Column(Date, nullable=False)  # when its number or address was last checked
    kind_rows = relationship(
        "ResourceKind", cascade="all, delete-orphan", order_by="ResourceKind.kind", lazy="selectin"
    )

    @property
    def kinds(self) -> list[str]:
        return [row.kind for row in self.kind_rows]


class ResourceKind(Base):
    """One kind a resource serves; a resource can serve several."""

    __tablename__ = "resource_kinds"

    resource_id = Column(Integer, ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True)
    kind = Column(String(16), primary_key=True)


@dataclass(frozen=True)
class DirectoryEntry:
    """A resource as the assistant shows it, detached from the database."""

    name: str
    reach: str
    good_for: str | None
    country: str
    kinds: tuple[str, ...]
    checked: date

    @classmethod
    def of(cls, resource: Resource) -> DirectoryEntry:
        return cls(
            name=resource.name,
            reach=resource.how_to_reach,
            good_for=resource.good_for,
            country=resource.country,
            kinds=tuple(resource.kinds),
            checked=resource.checked,
        )


@dataclass(frozen=True)
class Matches:
    """What a search found. exact_country is False when nothing is listed for the person's own country
    and the resources are worldwide ones instead, which the assistant should say."""

    resources: list[DirectoryEntry]
    exact_country: bool


@dataclass(frozen=True)
class RowError:
    """A problem in an import file, with the line it is on (None when it concerns the whole file)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import did: rows created, updated and left as they were, or the errors that stopped it
    writing anything."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def count(self) -> int:
        """Rows in the file, all of which are now in the directory."""
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class ResourceRow:
    """One valid row of an import file."""

    name: str
    kinds: tuple[str, ...]
    reach: str
    good_for: str | None
    country: str


@contextmanager
def _session(bind: Engine | Session) -> Iterator[Session]:
    if isinstance(bind, Session):
        yield bind
        return
    with Session(bind) as session:
        yield session


# --- Queries -------------------------------------------------------------------------------------


def find(bind: Engine | Session, need: str, country: str = "US", limit: int = 3) -> Matches:
    """Resources for a need in a country, then worldwide ones serving that need.

    Where neither exists, the general worldwide directories (such as Find A Helpline) with exact_country
    False, so the assistant can say it has nothing listed for that country rather than offer the wrong one.
    """
    if need not in NEEDS:
        raise ValueError(f"unknown need {need!r}; one of {', '.join(NEEDS)}")
    country = (country or "US").strip().upper()
    by_kind = (
        select(Resource)
        .join(ResourceKind)
        .where(ResourceKind.kind == NEEDS[need], Resource.country.in_({country, WORLDWIDE}))
        # The person's own country first, then in the order the directory file lists them.
        .order_by((Resource.country == WORLDWIDE), Resource.id)
        .limit(limit)
    )
    with _session(bind) as session:
        found = list(session.scalars(by_kind))
        if not found:
            worldwide = (
                select(Resource)
                .join(ResourceKind)
                .where(ResourceKind.kind == "directory", Resource.country == WORLDWIDE)
                .order_by(Resource.id)
            )
            # A directory for another kind of therapy (Gottman's, for couples) would not answer
            # someone looking for, say, individual therapy; a general one (Find A Helpline) still helps.
            other_therapy = THERAPY_KINDS - {NEEDS[need]}
            found = [r for r in session.scalars(worldwide) if not other_therapy & set(r.kinds)][:limit]
        entries = [DirectoryEntry.of(resource) for resource in found]
    return Matches(entries, exact_country=any(entry.country == country for entry in entries))


def count(bind: Engine | Session) -> int:
    """How many resources the directory holds."""
    with _session(bind) as session:
        return session.scalar(select(func.count()).select_from(Resource))


def seed(engine: Engine, path: Path = SEED_FILE) -> ImportResult | None:
    """Fills an empty directory from content/directory.yml; None if it already had resources.

    Called when the action server first needs the directory, never at import time.
    """
    if count(engine):
        return None
    try:
        result = import_resources(engine, path)
    except IntegrityError:
        # Another worker seeded it between our count and our insert.
        if count(engine):
            return None
        raise
    if not result.ok:
        raise ValueError(f"{path} is not valid: " + "; ".join(map(str, result.errors)))
    return result


# --- Import --------------------------------------------------------------------------------------


def valid_reach(reach: str) -> bool:
    """A phone number, "text WORD to NUMBER", or a web address; nothing else."""
    reach = reach.strip()
    if PHONE.fullmatch(reach):
        return 3 <= sum(c.isdigit() for c in reach) <= 15
    return bool(TEXT_CODE.fullmatch(reach) or WEB_ADDRESS.fullmatch(reach))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.Node | None) -> str | None:
    """A scalar's text as written (so `reach: 988` stays "988"); None for null, blank or non-scalar."""
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        return None
    return node.value.strip() or None


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """A mapping's entries by key text, each with its key node (for lines) and value node."""
    return {str(key.value): (key, value) for key, value in node.value}


def _parse(path: Path) -> tuple[date | None, list[ResourceRow], list[RowError]]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [], [RowError(None, f"cannot read {path}: {error}")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        return None, [], [RowError(mark.line + 1 if mark else None, f"not valid YAML: {problem}")]
    if not isinstance(root, yaml.MappingNode):
        return None, [], [RowError(None, "expected `checked:` and `resources:` at the top of the file")]

    errors: list[RowError] = []
    top = _mapping(root)
    checked = None
    if "checked" not in top:
        errors.append(RowError(None, "missing `checked: YYYY-MM-DD` (when the resources were checked)"))
    else:
        key, value = top["checked"]
        try:
            checked = date.fromisoformat(_scalar(value) or "")
        except ValueError:
            errors.append(RowError(_line(value), "`checked` must be a date written YYYY-MM-DD"))
    if "resources" not in top or not isinstance(top["resources"][1], yaml.SequenceNode):
        line = _line(top["resources"][0]) if "resources" in top else None
        errors.append(RowError(line, "expected `resources:` followed by a list of resources"))
        return checked, [], errors

    rows: list[ResourceRow] = []
    seen: dict[tuple[str, str], int] = {}
    for node in top["resources"][1].value:
        row_errors: list[RowError] = []
        row = _parse_row(node, row_errors)
        if row is not None:
            key = (row.name, row.country)
            if key in seen:
                row_errors.append(
                    RowError(
                        _line(node), f"{row.name!r} in {row.country} is already listed on line {seen[key]}"
                    )
                )
            else:
                seen[key] = _line(node)
        errors += row_errors
        if row is not None and not row_errors:
            rows.append(row)
    return checked, rows, errors


def _parse_row(node: yaml.Node, errors: list[RowError]) -> ResourceRow | None:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        errors.append(
            RowError(line, "a resource must be a mapping with name, kinds, reach, good_for, country")
        )
        return None
    fields = _mapping(node)

    def value(name: str) -> tuple[str | None, int]:
        if name not in fields:
            return None, line
        return _scalar(fields[name][1]), _line(fields[name][0])

    name, name_line = value("name")
    if name is None:
        errors.append(RowError(name_line, "missing name"))
    elif len(name) > NAME_LENGTH:
        errors.append(RowError(name_line, f"name longer than {NAME_LENGTH} characters"))
    label = f" for {name!r}" if name else ""

    kinds: list[str] = []
    kinds_node = fields.get("kinds", (None, None))[1]
    if isinstance(kinds_node, yaml.ScalarNode) and _scalar(kinds_node):
        kinds_node = yaml.SequenceNode("tag:yaml.org,2002:seq", [kinds_node])  # `kinds: crisis`
    if not isinstance(kinds_node, yaml.SequenceNode) or not kinds_node.value:
        at = _line(fields["kinds"][0]) if "kinds" in fields else line
        errors.append(RowError(at, f"missing kinds{label} (one or more of {', '.join(KINDS)})"))
    else:
        for item in kinds_node.value:
            kind = _scalar(item)
            if kind not in KINDS:
                errors.append(
                    RowError(_line(item), f"unknown kind {kind!r}{label} (known: {', '.join(KINDS)})")
                )
            elif kind not in kinds:
                kinds.append(kind)

    reach, reach_line = value("reach")
    if reach is None:
        errors.append(RowError(reach_line, f"missing reach{label}"))
    elif len(reach) > REACH_LENGTH or not valid_reach(reach):
        errors.append(
            RowError(
                reach_line,
                f"malformed reach {reach!r}{label}: expected a phone number (988, 1-800-799-7233), "
                "'text WORD to NUMBER', or a web address (domain.tld/path)",
            )
        )

    good_for, _ = value("good_for")

    country, country_line = value("country")
    if country is None:
        errors.append(RowError(country_line, f"missing country{label} (US, UK, ... or ANY for worldwide)"))
    elif country != WORLDWIDE and not COUNTRY.fullmatch(country):
        errors.append(
            RowError(
                country_line,
                f"invalid country {country!r}{label}: a two-letter code such as US or UK, or ANY",
            )
        )

    if errors:
        return None
    return ResourceRow(name=name, kinds=tuple(kinds), reach=reach, good_for=good_for, country=country)


def validate(path: Path | str) -> list[RowError]:
    """Every problem in an import file, each with its line; empty when the file can be imported."""
    _, _, errors = _parse(Path(path))
    return errors


def import_resources(bind: Engine | Session, path: Path | str) -> ImportResult:
    """Adds or updates the file's resources by (name, country), all in one transaction or not at all.

    Resources not in the file are kept. Given an Engine the transaction is committed here; given a
    Session the rows join its transaction and the caller commits.
    """
    checked, rows, errors = _parse(Path(path))
    if errors:
        return ImportResult(errors=errors)
    if isinstance(bind, Session):
        result = _upsert(bind, rows, checked)
        bind.flush()
        return result
    with Session(bind) as session, session.begin():
        return _upsert(session, rows, checked)


def _upsert(session: Session, rows: list[ResourceRow], checked: date) -> ImportResult:
    existing = {
        (resource.name, resource.country): resource
        for resource in session.scalars(select(Resource).options(selectinload(Resource.kind_rows)))
    }
    result = ImportResult()
    for row in rows:
        resource = existing.get((row.name, row.country))
        if resource is None:
            resource = Resource(name=row.name, country=row.country)
            session.add(resource)
            result.created += 1
        elif (resource.how_to_reach, resource.good_for, resource.checked, set(resource.kinds)) == (
            row.reach,
            row.good_for,
            checked,
            set(row.kinds),
        ):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        resource.how_to_reach = row.reach
        resource.good_for = row.good_for
        resource.checked = checked
        kept = {kind_row.kind: kind_row for kind_row in resource.kind_rows}
        resource.kind_rows = [kept.get(kind) or ResourceKind(kind=kind) for kind in row.kinds]
    return result
