"""The benchmark's arithmetic and its minimal bot (scripts/bench.py); `make bench` runs the load itself."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest
import yaml
from conftest import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("bench")


def test_percentiles_interpolate_between_ranks(bench):
    latencies = [float(n) for n in range(1, 101)]  # 1..100, shuffled order must not matter
    latencies.reverse()
    assert bench.percentile(latencies, 50) == pytest.approx(50.5)
    assert bench.percentile(latencies, 95) == pytest.approx(95.05)
    assert bench.percentile(latencies, 99) == pytest.approx(99.01)
    assert bench.percentile(latencies, 100) == 100.0
    assert bench.percentile([0.3], 95) == 0.3
    assert math.isnan(bench.percentile([], 50))


def test_throughput_counts_answered_turns_only(bench):
    result = bench.LoadResult(latencies=[0.5] * 30, errors=2, wall_seconds=10.0)
    assert result.throughput == pytest.approx(3.0)
    assert result.turns == 32
    assert result.p(95) == 0.5


def test_peak_memory_includes_the_children(bench):
    child = subprocess.Popen(
        [sys.executable, "-c", "b = bytearray(64 * 2**20); print('ready', flush=True); input()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    try:
        assert child.stdout.readline() == b"ready\n"
        own = next(int(line.split()[1]) * 1024 for line in open(f"/proc/{os.getpid()}/status")
                   if line.startswith("VmHWM:"))
        assert bench.peak_memory_bytes(os.getpid()) >= own + 64 * 2**20
    finally:
        child.communicate(b"\n")


def test_the_minimal_bot_answers_every_intent_of_ours_with_a_plain_response(bench, domain):
    files = bench.minimal_bot_files()
    minimal = yaml.safe_load(files["domain.yml"])
    rules = yaml.safe_load(files["rules.yml"])["rules"]
    answered = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules}
    for intent in [*domain["intents"], "nlu_fallback"]:
        # Rasa's own rule answers `restart` with action_restart, which says utter_restart.
        assert answered.get(intent, f"utter_{intent}") in minimal["responses"]
        assert intent in answered or intent in bench.RASA_DEFAULT_RULES
    # No custom action anywhere: every rule ends in a response.
    assert all(action.startswith("utter_") for action in answered.values())
    assert "actions" not in minimal and "slots" not in minimal


def test_errors_the_servers_logged_during_the_run_are_counted(bench, tmp_path):
    log = tmp_path / "servers.log"
    log.write_text("2026-11-27 19:51:30 ERROR    rasa.core.processor  - before the run\n")
    since = log.stat().st_size
    with open(log, "a") as output:
        output.write("2026-11-27 19:51:31 INFO     rasa.core.processor  - a turn mentioning ERROR\n"
                     "2026-11-27 19:51:32 ERROR    rasa.core.processor  - Encountered an exception\n"
                     "Traceback (most recent call last):\n")
    assert bench.logged_errors(log, since) == 1


def test_rounds_are_combined_into_one_set_of_figures(bench):
    first = bench.LoadResult(latencies=[0.1, 0.2], errors=1, wall_seconds=2.0)
    second = bench.LoadResult(latencies=[0.3, 0.4, 0.5, 0.6], errors=0, wall_seconds=2.0)
    both = bench.combined([first, second])
    assert both.throughput == pytest.approx(1.5)
    assert both.errors == 1 and both.turns == 7
    assert both.p(50) == pytest.approx(0.35)
