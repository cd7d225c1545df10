"""The coach's own records, kept with SQLAlchemy: steps chosen and how they went, practice, exercise plans."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Column, DateTime, Integer, String, Text, create_engine, delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'coach.db'}"

# A step is followed up in a later visit, not minutes after it was chosen. An hour matches the
# length of a Rasa session (domain.yml, session_config), after which a returning user starts anew.
FOLLOW_UP_AFTER = timedelta(hours=1)

Base = declarative_base()

# What a follow-up query gives back: a FollowUp or a SavedPlan.
Taken = TypeVar("Taken")


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


class ExercisePlan(Base):
    """The plan a guided exercise ended with: the exercise (its step) and the choices made in it."""

    __tablename__ = "exercise_plans"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    exercise = Column(String(64), nullable=False)
    choices = Column(Text, nullable=False)  # JSON: the answers, by question
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    asked_at = Column(DateTime(timezone=True))
    outcome = Column(String(16))  # "went_well" or "went_badly" once the person has said


@dataclass(frozen=True)
class SavedPlan:
    """One exercise's plan as the person left it."""

    exercise: str
    choices: dict
    created_at: datetime

    @classmethod
    def of(cls, row: ExercisePlan) -> SavedPlan:
        return cls(row.exercise, json.loads(row.choices), row.created_at)


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

    def take_follow_up(self, sender_id: str, now: datetime | None = None,
                       skipping: Collection[str] = ()) -> FollowUp | None:
        """The latest step chosen in an earlier visit and not asked about yet, other than those
        `skipping` (withheld after a disclosure); marks it asked."""
        return self._take_unasked(ChosenStep, ChosenStep.chosen_at, ChosenStep.step, sender_id, now, skipping,
                                  lambda chosen: FollowUp(step=chosen.step, chosen_at=chosen.chosen_at))

    def record_outcome(self, sender_id: str, outcome: str) -> str | None:
        """Saves how the step or plan asked about last went; returns its step, or None if none was."""
        with Session(self.engine) as session, session.begin():
            asked = [
                session.scalars(
                    select(model)
                    .where(model.sender_id == sender_id, model.asked_at.is_not(None))
                    .order_by(model.asked_at.desc(), model.id.desc())
                    .limit(1)
                ).first()
                for model in (ChosenStep, ExercisePlan)
            ]
            asked = [row for row in asked if row is not None]
            if not asked:
                return None
            latest = max(asked, key=lambda row: row.asked_at)
            latest.outcome = outcome
            return latest.step if isinstance(latest, ChosenStep) else latest.exercise

    def save_plan(self, sender_id: str, exercise: str, choices: dict) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(ExercisePlan(sender_id=sender_id, exercise=exercise, choices=json.dumps(choices)))

    def plans(self, sender_id: str) -> list[SavedPlan]:
        """This person's plans: the latest of each exercise, in the order they were made."""
        query = (
            select(ExercisePlan)
            .where(ExercisePlan.sender_id == sender_id)
            .order_by(ExercisePlan.created_at, ExercisePlan.id)
        )
        with Session(self.engine) as session:
            latest = {row.exercise: SavedPlan.of(row) for row in session.scalars(query)}
        return sorted(latest.values(), key=lambda plan: plan.created_at)

    def take_plan_follow_up(self, sender_id: str, now: datetime | None = None,
                            skipping: Collection[str] = ()) -> SavedPlan | None:
        """The latest plan made in an earlier visit and not asked about yet, other than those of the
        exercises `skipping`; marks it asked."""
        return self._take_unasked(ExercisePlan, ExercisePlan.created_at, ExercisePlan.exercise,
                                  sender_id, now, skipping, SavedPlan.of)

    def _take_unasked(self, model: Any, made_at: Any, name: Any, sender_id: str, now: datetime | None,
                      skipping: Collection[str], convert: Callable[[Any], Taken]) -> Taken | None:
        """The latest row of `model` made in an earlier visit, not asked about and with no outcome yet,
        whose `name` is not among `skipping`; marks it asked and returns it through `convert` (inside
        the session, while the row can still be read)."""
        now = now or utcnow()
        query = (
            select(model)
            .where(
                model.sender_id == sender_id,
                model.asked_at.is_(None),
                model.outcome.is_(None),
                made_at <= now - FOLLOW_UP_AFTER,
                name.not_in(list(skipping)),
            )
            .order_by(made_at.desc(), model.id.desc())
            .limit(1)
        )
        with Session(self.engine) as session, session.begin():
            row = session.scalars(query).first()
            if row is None:
                return None
            row.asked_at = now
            return convert(row)

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
