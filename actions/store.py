"""The coach's own records, kept with SQLAlchemy: steps people chose and how they went, practice attempts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, String, Text, create_engine, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'coach.db'}"

# A step is followed up in a later visit, not minutes after it was chosen. An hour matches the
# length of a Rasa session (domain.yml, session_config), after which a returning user starts anew.
FOLLOW_UP_AFTER = timedelta(hours=1)

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ChosenStep(Base):
    """A step of the article that a person said they would try."""

    __tablename__ = "chosen_steps"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    step = Column(String(64), nullable=False)
    pattern = Column(String(32))
    chosen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    asked_at = Column(DateTime(timezone=True))
    outcome = Column(String(16))  # "went_well" or "went_badly" once the person has said


class PracticeAttempt(Base):
    """One practice round: which situation and what the reply leaned toward; its text only if allowed."""

    __tablename__ = "practice_attempts"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    scenario = Column(String(64), nullable=False)
    pattern = Column(String(32), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    reply_text = Column(Text)  # kept only when the person said we may


@dataclass(frozen=True)
class FollowUp:
    """A step chosen in an earlier visit that the coach has not yet asked about."""

    step: str
    chosen_at: datetime


def database_url() -> str:
    """The coach's database: TRUST_COACH_DB_URL, or SQLite under var/ for a local run."""
    return os.environ.get("TRUST_COACH_DB_URL", DEFAULT_URL)


def migrate(engine: Engine) -> None:
    """Brings the database schema up to date with the Alembic migrations in migrations/."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(PROJECT_DIR / "migrations"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@cache
def open_store(url: str | None = None) -> CoachStore:
    """The store for a database URL, migrated on first use (never at import time)."""
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    migrate(engine)
    return CoachStore(engine)


class CoachStore:
    """Reads and writes the coach's records, keyed by the conversation's sender id."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save_choice(self, sender_id: str, step: str, pattern: str | None = None) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(ChosenStep(sender_id=sender_id, step=step, pattern=pattern))

    def chosen_steps(self, sender_id: str) -> list[str]:
        """Every step this person chose, oldest first, each once."""
        query = (
            select(ChosenStep.step)
            .where(ChosenStep.sender_id == sender_id)
            .order_by(ChosenStep.chosen_at, ChosenStep.id)
        )
        with Session(self.engine) as session:
            return list(dict.fromkeys(session.scalars(query)))

    def take_follow_up(self, sender_id: str, now: datetime | None = None) -> FollowUp | None:
        """The latest step chosen in an earlier visit and not asked about yet; marks it asked."""
        now = now or utcnow()
        query = (
            select(ChosenStep)
            .where(
                ChosenStep.sender_id == sender_id,
                ChosenStep.asked_at.is_(None),
                ChosenStep.outcome.is_(None),
                ChosenStep.chosen_at <= now - FOLLOW_UP_AFTER,
            )
            .order_by(ChosenStep.chosen_at.desc(), ChosenStep.id.desc())
            .limit(1)
        )
        with Session(self.engine) as session, session.begin():
            chosen = session.scalars(query).first()
            if chosen is None:
                return None
            chosen.asked_at = now
            return FollowUp(step=chosen.step, chosen_at=chosen.chosen_at)

    def record_outcome(self, sender_id: str, outcome: str) -> str | None:
        """Saves how the step asked about last went; returns that step, or None if none was asked."""
        query = (
            select(ChosenStep)
            .where(ChosenStep.sender_id == sender_id, ChosenStep.asked_at.is_not(None))
            .order_by(ChosenStep.asked_at.desc(), ChosenStep.id.desc())
            .limit(1)
        )
        with Session(self.engine) as session, session.begin():
            chosen = session.scalars(query).first()
            if chosen is None:
                return None
            chosen.outcome = outcome
            return chosen.step

    def save_attempt(
        self, sender_id: str, scenario: str, pattern: str, reply_text: str | None = None
    ) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(
                PracticeAttempt(
                    sender_id=sender_id, scenario=scenario, pattern=pattern, reply_text=reply_text
                )
            )

    def recent_attempts(self, sender_id: str, limit: int = 5) -> list[PracticeAttempt]:
        """This person's latest practice rounds, newest first."""
        query = (
            select(PracticeAttempt)
            .where(PracticeAttempt.sender_id == sender_id)
            .order_by(PracticeAttempt.created_at.desc(), PracticeAttempt.id.desc())
            .limit(limit)
        )
        with Session(self.engine, expire_on_commit=False) as session:
            return list(session.scalars(query))

    def forget(self, sender_id: str) -> int:
        """Deletes every record of this person; returns how many rows went."""
        with Session(self.engine) as session, session.begin():
            removed = 0
            # Every table that holds a person's records has a sender_id column; a new one is covered
            # without anyone having to remember this method.
            for table in Base.metadata.sorted_tables:
                if "sender_id" in table.c:
                    removed += session.execute(delete(table).where(table.c.sender_id == sender_id)).rowcount
            return removed
