"""The coach's own database, on SQLite and on PostgreSQL: migrations, choices, follow-ups, deletion."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect

from coach.store import FOLLOW_UP_AFTER, CoachStore, migrate, utcnow


@pytest.fixture()
def coach_store(any_store):
    return any_store


def test_migrations_create_the_table_and_can_run_twice(coach_store):
    migrate(coach_store.engine)
    assert "chosen_steps" in inspect(coach_store.engine).get_table_names()


def test_choices_are_kept_per_person_in_order_once_each(coach_store: CoachStore):
    coach_store.save_choice("ana", "tell_truth", "withholding")
    coach_store.save_choice("ana", "boundaries")
    coach_store.save_choice("ana", "tell_truth")
    coach_store.save_choice("ben", "love_well")
    assert coach_store.chosen_steps("ana") == ["tell_truth", "boundaries"]
    assert coach_store.chosen_steps("ben") == ["love_well"]
    assert coach_store.chosen_steps("nobody") == []


def test_a_follow_up_waits_for_a_later_visit_and_comes_once(coach_store: CoachStore):
    coach_store.save_choice("ana", "tell_truth")
    assert coach_store.take_follow_up("ana") is None
    later = utcnow() + FOLLOW_UP_AFTER + timedelta(minutes=1)
    follow_up = coach_store.take_follow_up("ana", now=later)
    assert follow_up is not None and follow_up.step == "tell_truth"
    assert coach_store.take_follow_up("ana", now=later) is None


def test_the_latest_choice_is_followed_up(coach_store: CoachStore):
    coach_store.save_choice("ana", "tell_truth")
    coach_store.save_choice("ana", "love_well")
    later = utcnow() + FOLLOW_UP_AFTER * 2
    assert coach_store.take_follow_up("ana", now=later).step == "love_well"


def test_an_outcome_is_saved_for_the_step_asked_about(coach_store: CoachStore):
    assert coach_store.record_outcome("ana", "went_well") is None
    coach_store.save_choice("ana", "boundaries")
    coach_store.take_follow_up("ana", now=utcnow() + FOLLOW_UP_AFTER * 2)
    assert coach_store.record_outcome("ana", "went_well") == "boundaries"


def test_forgetting_a_person_removes_all_their_rows_and_no_one_elses(coach_store: CoachStore):
    coach_store.save_choice("ana", "tell_truth")
    coach_store.save_choice("ana", "boundaries")
    coach_store.save_choice("ben", "love_well")
    assert coach_store.forget("ana") == 2
    assert coach_store.chosen_steps("ana") == []
    assert coach_store.chosen_steps("ben") == ["love_well"]


def test_plans_keep_the_latest_of_each_exercise_per_person(coach_store: CoachStore):
    coach_store.save_plan("ana", "love_well", {"love_area": "fun", "love_idea": "bowling"})
    coach_store.save_plan("ana", "tell_truth", {"truth_left_out": "lunch with Sam"})
    coach_store.save_plan("ana", "love_well", {"love_area": "gratitude", "love_idea": "a note"})
    coach_store.save_plan("ben", "boundaries", {"boundary_feeling": "impossible"})
    plans = coach_store.plans("ana")
    assert [(plan.exercise, plan.choices.get("love_idea")) for plan in plans] == [
        ("tell_truth", None), ("love_well", "a note"),
    ]
    assert [plan.exercise for plan in coach_store.plans("ben")] == ["boundaries"]
    assert coach_store.plans("nobody") == []


def test_a_plan_is_followed_up_once_in_a_later_visit_and_its_outcome_kept(coach_store: CoachStore):
    coach_store.save_plan("ana", "love_well", {"love_idea": "a walk"})
    assert coach_store.take_plan_follow_up("ana") is None
    later = utcnow() + FOLLOW_UP_AFTER + timedelta(minutes=1)
    plan = coach_store.take_plan_follow_up("ana", now=later)
    assert plan is not None and plan.choices == {"love_idea": "a walk"}
    assert coach_store.take_plan_follow_up("ana", now=later) is None
    assert coach_store.record_outcome("ana", "went_well") == "love_well"


def test_the_outcome_goes_to_whatever_was_asked_about_last(coach_store: CoachStore):
    coach_store.save_choice("ana", "boundaries")
    coach_store.save_plan("ana", "tell_truth", {})
    coach_store.take_follow_up("ana", now=utcnow() + FOLLOW_UP_AFTER * 2)
    assert coach_store.record_outcome("ana", "went_badly") == "boundaries"
    coach_store.take_plan_follow_up("ana", now=utcnow() + FOLLOW_UP_AFTER * 3)
    assert coach_store.record_outcome("ana", "went_well") == "tell_truth"


def test_forgetting_a_person_removes_their_plans_too(coach_store: CoachStore):
    coach_store.save_plan("ana", "love_well", {})
    coach_store.save_choice("ana", "love_well")
    coach_store.save_plan("ben", "love_well", {})
    assert coach_store.forget("ana") == 2
    assert coach_store.plans("ana") == [] and len(coach_store.plans("ben")) == 1


def test_a_step_withheld_after_a_disclosure_is_never_asked_about_nor_given_an_outcome(coach_store):
    coach_store.save_choice("ana", "not_about_you", "angry")
    later = utcnow() + FOLLOW_UP_AFTER * 2
    assert coach_store.take_follow_up("ana", now=later, skipping=("not_about_you",)) is None
    assert coach_store.record_outcome("ana", "went_well") is None  # nothing was asked, nothing recorded
    assert coach_store.take_follow_up("ana", now=later).step == "not_about_you"  # still unasked
