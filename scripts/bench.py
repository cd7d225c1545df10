"""`make bench`: a bounded load on the whole stack, measured against a minimal Rasa bot.

N simulated users (default 20) each hold the same scripted conversation through the REST channel at
once, against Trust Coach as `make run` starts it (Rasa, the action server, SQLite) and against a
minimal bot: the same config.yml (NLU pipeline and RulePolicy) and data/nlu, a generated domain with
one plain response per intent, one rule per intent, no custom actions, and the same SQL tracker store
on SQLite. Both run at once and take the load in turn, a few rounds each, so that other work on the
machine weighs on both alike. Prints latency percentiles, throughput, errors, the peak memory of each
server process, our figures as a ratio of the minimal bot's, and latency at turns 1 and 50 of one
long conversation. Exits 1 when a target is missed.

The minimal bot is trained once and cached in models/, named after a hash of what it is trained from.
Servers run on ports 5505-5599 with databases in a temporary folder, so `make run` is not disturbed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MODEL = PROJECT_DIR / "models" / "trust-coach.tar.gz"
LOG_DIR = PROJECT_DIR / "var" / "bench"
MINIMAL_DIR = LOG_DIR / "minimal"

OURS_PORT, ACTIONS_PORT, MINIMAL_PORT = 5505, 5555, 5506

# Targets on the 2-core reference machine (the issue): ours against the minimal bot.
MAX_P95_RATIO = 1.5
MIN_THROUGHPUT_RATIO = 0.7

# What each simulated user says: a person who describes the problem, gets an insight and steps,
# practises one round (clicking the buttons, as in the widget) and leaves.
CONVERSATION = [
    "hi",
    "my boyfriend doesn't trust me and i don't know what to do",
    "when he accuses me of cheating i lose my temper and yell at him",
    "another step",
    "why doesn't my partner trust me",
    "i'll try that",
    "can we practise",
    '/choose_scenario{"scenario": "texting"}',
    "it was my sister, we were planning mum's birthday. do you want to see?",
    "summary",
    "bye",
]
# One long conversation, to see whether a turn gets slower as the conversation grows.
LONG_TURNS = 50
LONG_CONVERSATION = [
    "i keep reassuring her that nothing is going on",
    "another step",
    "why doesn't she trust me",
    "what else can i try",
    "i just go quiet and leave the room",
    "summary",
    "i feel so burned out by all this",
]


# --- Statistics -------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolating linearly between the nearest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LoadResult:
    """What one load run measured: each turn's latency in seconds, failures, and the wall time."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall_seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return len(self.latencies) + self.errors

    @property
    def throughput(self) -> float:
        """Turns answered per second."""
        return len(self.latencies) / self.wall_seconds if self.wall_seconds else math.nan

    def p(self, q: float) -> float:
        return percentile(self.latencies, q)


def ratio(ours: float, minimal: float) -> float:
    return ours / minimal if minimal else math.nan


# --- Talking to a server ----------------------------------------------------------------------

def say(port: int, sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def converse(port: int, messages: Sequence[str], result: LoadResult, lock: threading.Lock) -> list[float]:
    """One user's conversation; every turn's latency (or error) goes into the result."""
    sender = f"bench-{uuid.uuid4().hex[:12]}"
    latencies = []
    for message in messages:
        started = time.perf_counter()
        try:
            replies = say(port, sender, message)
            if not replies:
                raise ValueError("no reply")
        except (OSError, ValueError) as error:
            with lock:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(f"{message[:30]!r}: {error}")
            continue
        latency = time.perf_counter() - started
        latencies.append(latency)
        with lock:
            result.latencies.append(latency)
    return latencies


def run_load(port: int, users: int) -> LoadResult:
    """All users at once, each holding the whole conversation, as fast as the server answers."""
    result, lock = LoadResult(), threading.Lock()
    started = time.perf_counter()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(lambda _: converse(port, CONVERSATION, result, lock), range(users)))
    result.wall_seconds = time.perf_counter() - started
    return result


def run_long_conversation(port: int) -> LoadResult:
    messages = [LONG_CONVERSATION[turn % len(LONG_CONVERSATION)] for turn in range(LONG_TURNS)]
    result = LoadResult()
    converse(port, messages, result, threading.Lock())
    return result


# --- Servers ----------------------------------------------------------------------------------

def peak_memory_bytes(pid: int) -> int:
    """The peak resident memory (VmHWM) of a process plus that of each of its children."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) * 1024
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += peak_memory_bytes(int(child))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return total


def wait_until_up(url: str, process: subprocess.Popen, seconds: int = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a server stopped before answering {url} (exit {process.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"{url} did not answer in {seconds}s")


@contextmanager
def servers(commands: dict[str, list[str]], env: dict[str, str], health: dict[str, str],
            log: Path) -> Iterator[dict[str, subprocess.Popen]]:
    """Starts the named servers, waits for each health url, and stops them all afterwards."""
    processes: dict[str, subprocess.Popen] = {}
    with open(log, "a") as output:
        try:
            for name, command in commands.items():
                processes[name] = subprocess.Popen(
                    command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            for name, url in health.items():
                wait_until_up(url, processes[name])
            yield processes
        finally:
            for process in processes.values():
                process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    process.kill()


def sqlite_endpoints(folder: Path, actions_port: int | None) -> Path:
    """endpoints.yml with its SQLite tracker store in this folder, and the action server on this port."""
    endpoints = yaml.safe_load((PROJECT_DIR / "endpoints.yml").read_text())
    endpoints["tracker_store"]["db"] = str(folder / "tracker.db")
    if actions_port:
        endpoints["action_endpoint"]["url"] = f"http://127.0.0.1:{actions_port}/webhook"
    else:
        del endpoints["action_endpoint"]
    path = folder / "endpoints.yml"
    path.write_text(yaml.safe_dump(endpoints))
    return path


def rasa_command(model: Path, endpoints: Path, port: int) -> list[str]:
    return [str(BIN / "rasa"), "run", "--model", str(model), "--endpoints", str(endpoints),
            "--credentials", "credentials.yml", "--port", str(port)]


# --- The minimal bot --------------------------------------------------------------------------

# Intents Rasa answers with a default action by a rule of its own (`restart` runs action_restart,
# which says utter_restart); a rule of ours for them would contradict it.
RASA_DEFAULT_RULES = {"restart", "back", "session_start"}


def minimal_bot_files() -> dict[str, str]:
    """The minimal bot's domain and rules: one plain response per intent, and a rule giving it."""
    domain = yaml.safe_load((PROJECT_DIR / "domain.yml").read_text())
    intents = [intent if isinstance(intent, str) else next(iter(intent)) for intent in domain["intents"]]
    # The FallbackClassifier in the shared pipeline predicts this one.
    intents.append("nlu_fallback")
    minimal_domain = {
        "version": "3.1",
        "intents": [intent for intent in intents if intent != "nlu_fallback"],
        "entities": domain.get("entities", []),
        "responses": {f"utter_{intent}": [{"text": f"[{intent}]"}] for intent in intents},
    }
    rules = {
        "version": "3.1",
        "rules": [
            {"rule": intent, "steps": [{"intent": intent}, {"action": f"utter_{intent}"}]}
            for intent in intents if intent not in RASA_DEFAULT_RULES
        ],
    }
    return {"domain.yml": yaml.safe_dump(minimal_domain, sort_keys=False),
            "rules.yml": yaml.safe_dump(rules, sort_keys=False)}


def minimal_bot_model(log: Path) -> Path:
    """The minimal bot's model, trained only when what it is trained from has changed."""
    files = minimal_bot_files()
    inputs = [PROJECT_DIR / "config.yml", *sorted((PROJECT_DIR / "data" / "nlu").glob("*.yml")),
              *sorted(path for path in (PROJECT_DIR / "components").rglob("*")
                      if path.suffix in (".py", ".jsonl"))]
    digest = hashlib.sha256()
    for text in [*files.values(), *(path.read_text() for path in inputs)]:
        digest.update(text.encode())
    model = PROJECT_DIR / "models" / f"minimal-{digest.hexdigest()[:12]}.tar.gz"
    if model.exists():
        return model
    MINIMAL_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (MINIMAL_DIR / name).write_text(text)
    print(f"Training the minimal bot once (cached as {model.relative_to(PROJECT_DIR)}; log in {log})...",
          flush=True)
    with open(log, "a") as output:
        subprocess.run(
            [str(BIN / "rasa"), "train", "--config", "config.yml",
             "--domain", str(MINIMAL_DIR / "domain.yml"),
             "--data", "data/nlu", str(MINIMAL_DIR / "rules.yml"), "--out", "models",
             "--fixed-model-name", model.name.removesuffix(".tar.gz")],
            cwd=PROJECT_DIR, stdout=output, stderr=subprocess.STDOUT, check=True,
        )
    for old in (PROJECT_DIR / "models").glob("minimal-*.tar.gz"):
        if old != model:
            old.unlink()
    return model


# --- Measuring --------------------------------------------------------------------------------

@dataclass
class Measurement:
    load: LoadResult
    long: LoadResult
    memory: dict[str, int]
    logged_errors: int  # ERROR lines the servers logged while measured: a turn can fail politely


def logged_errors(log: Path, since: int) -> int:
    """ERROR lines in the servers' output after byte `since` (Rasa's and rasa_sdk's log format)."""
    with open(log, "rb") as output:
        output.seek(since)
        return sum(1 for line in output if b" ERROR " in line[:40])


def combined(results: Sequence[LoadResult]) -> LoadResult:
    """Several load runs as one: all their turns, over their summed time."""
    return LoadResult(
        latencies=[latency for result in results for latency in result.latencies],
        errors=sum(result.errors for result in results),
        wall_seconds=sum(result.wall_seconds for result in results),
        error_samples=[sample for result in results for sample in result.error_samples][:5],
    )


@dataclass
class Stack:
    """One bot under test: its servers, the port people talk to, where its servers write."""

    port: int
    commands: dict[str, list[str]]
    env: dict[str, str]
    health: dict[str, str]
    log: Path


def server_env(**variables: str) -> dict[str, str]:
    """The environment both bots' servers run in: as `make run` (scripts/run.sh) sets it."""
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "OPENBLAS_NUM_THREADS": "1",
            # Simulated users type as fast as the coach answers, all from this one address: the flood
            # limits are for people. With them on, the long conversation's later turns were answered
            # "slow down".
            "TRUST_COACH_RATE_LIMIT": "0/60", "TRUST_COACH_ADDRESS_LIMIT": "0/60",
            "TRUST_COACH_SESSION_LIMIT": "0/60", **variables}


def our_stack(folder: Path) -> Stack:
    """Trust Coach as `make run` starts it: Rasa and the action server, SQLite for both stores."""
    env = server_env(TRUST_COACH_DB_URL=f"sqlite:///{folder / 'coach.db'}")
    env["TRUST_COACH_ACTION_TOKEN"] = secrets.token_urlsafe(32)  # as `make run`: a token of its own
    commands = {
        "action server": [str(BIN / "python"), "-m", "actions.server", "--port", str(ACTIONS_PORT)],
        "rasa (Trust Coach)": rasa_command(MODEL, sqlite_endpoints(folder, ACTIONS_PORT), OURS_PORT),
    }
    health = {"action server": f"http://127.0.0.1:{ACTIONS_PORT}/health",
              "rasa (Trust Coach)": f"http://127.0.0.1:{OURS_PORT}/"}
    return Stack(OURS_PORT, commands, env, health, LOG_DIR / "trust-coach.log")


def minimal_stack(folder: Path, model: Path) -> Stack:
    """The minimal bot: the same Rasa, SQL tracker store on SQLite, no action server."""
    env = server_env()  # the same channels as ours, so the same flood limit off
    commands = {"rasa (minimal bot)": rasa_command(model, sqlite_endpoints(folder, None), MINIMAL_PORT)}
    health = {"rasa (minimal bot)": f"http://127.0.0.1:{MINIMAL_PORT}/"}
    return Stack(MINIMAL_PORT, commands, env, health, LOG_DIR / "minimal.log")


def measure_both(ours: Stack, minimal: Stack, users: int, rounds: int) -> tuple[Measurement, Measurement]:
    """Both stacks up at once, loaded in turn, round after round.

    Alternating keeps a change in the machine's load (other work on the same cores) from favouring
    one of them; a stack that is not being measured sits idle.
    """
    stacks = (ours, minimal)
    with servers(ours.commands, ours.env, ours.health, ours.log) as our_processes, \
            servers(minimal.commands, minimal.env, minimal.health, minimal.log) as minimal_processes:
        for stack in stacks:
            # One untimed conversation first: the first message through a pipeline builds its graphs.
            run_load(stack.port, 1)
        since = {stack.port: stack.log.stat().st_size for stack in stacks}
        loads: dict[int, list[LoadResult]] = {stack.port: [] for stack in stacks}
        for number in range(1, rounds + 1):
            for stack in stacks:
                loads[stack.port].append(run_load(stack.port, users))
            latest = {"Trust Coach": loads[ours.port][-1], "minimal": loads[minimal.port][-1]}
            print(f"  round {number}: " + ", ".join(
                f"{name} {result.throughput:.1f} turns/s, p95 {result.p(95):.2f} s"
                for name, result in latest.items()), flush=True)
        longs = {stack.port: run_long_conversation(stack.port) for stack in stacks}
        measurements = []
        for stack, processes in ((ours, our_processes), (minimal, minimal_processes)):
            memory = {name: peak_memory_bytes(process.pid) for name, process in processes.items()}
            measurements.append(Measurement(combined(loads[stack.port]), longs[stack.port], memory,
                                            logged_errors(stack.log, since[stack.port])))
    return measurements[0], measurements[1]


def report(ours: Measurement, minimal: Measurement, users: int, rounds: int) -> bool:
    """Prints the figures; whether every target is met."""
    def ms(seconds: float) -> str:
        return f"{seconds * 1000:8.0f}"

    p95_ratio = ratio(ours.load.p(95), minimal.load.p(95))
    throughput_ratio = ratio(ours.load.throughput, minimal.load.throughput)
    targets = {
        "zero errors": ours.load.errors == 0 and ours.long.errors == 0 and ours.logged_errors == 0,
        f"p95 <= {MAX_P95_RATIO}x minimal": p95_ratio <= MAX_P95_RATIO,
        f"throughput >= {MIN_THROUGHPUT_RATIO}x minimal": throughput_ratio >= MIN_THROUGHPUT_RATIO,
    }
    print(f"\n{users} users x {len(CONVERSATION)} turns, at once, through the REST channel, "
          f"{rounds} rounds ({os.cpu_count()} CPUs)\n")
    print(f"{'':28}{'Trust Coach':>12}{'minimal bot':>13}{'ratio':>8}")
    for label, q in (("p50 latency (ms)", 50), ("p95 latency (ms)", 95), ("p99 latency (ms)", 99)):
        print(f"{label:28}{ms(ours.load.p(q)):>12}{ms(minimal.load.p(q)):>13}"
              f"{ratio(ours.load.p(q), minimal.load.p(q)):>8.2f}")
    print(f"{'throughput (turns/s)':28}{ours.load.throughput:>12.2f}{minimal.load.throughput:>13.2f}"
          f"{throughput_ratio:>8.2f}")
    print(f"{'errors (no or bad answer)':28}{ours.load.errors + ours.long.errors:>12}"
          f"{minimal.load.errors + minimal.long.errors:>13}")
    print(f"{'errors logged by servers':28}{ours.logged_errors:>12}{minimal.logged_errors:>13}")
    print(f"{'turns answered':28}{len(ours.load.latencies):>12}{len(minimal.load.latencies):>13}")
    print(f"\nOne conversation of {LONG_TURNS} turns, alone:")
    for label, turn in (("turn 1 latency (ms)", 0), (f"turn {LONG_TURNS} latency (ms)", LONG_TURNS - 1)):
        values = [run.long.latencies[turn] if len(run.long.latencies) > turn else math.nan
                  for run in (ours, minimal)]
        print(f"{label:28}{ms(values[0]):>12}{ms(values[1]):>13}{ratio(*values):>8.2f}")
    print(f"{'median turn (ms)':28}{ms(statistics.median(ours.long.latencies or [math.nan])):>12}"
          f"{ms(statistics.median(minimal.long.latencies or [math.nan])):>13}")
    print("\nPeak memory (VmHWM, with children):")
    for name, used in {**ours.memory, **minimal.memory}.items():
        print(f"  {name:26}{used / 2**20:>8.0f} MiB")
    for sample in ours.load.error_samples + ours.long.error_samples:
        print(f"  error: {sample}")
    print("\nTargets:")
    for target, met in targets.items():
        print(f"  {'met   ' if met else 'MISSED'} {target}")
    return all(targets.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20, help="simulated users at once (default 20)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times each bot takes the load, alternating (default 3)")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print(f"error: no trained model at {MODEL} (run 'make train').", file=sys.stderr)
        return 2
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    minimal_model = minimal_bot_model(LOG_DIR / "train-minimal.log")
    with tempfile.TemporaryDirectory(prefix="trust-coach-bench-") as temporary:
        folder = Path(temporary)
        (folder / "ours").mkdir()
        (folder / "minimal").mkdir()
        ours, minimal = our_stack(folder / "ours"), minimal_stack(folder / "minimal", minimal_model)
        for stack in (ours, minimal):
            stack.log.write_text("")
        print(f"Measuring both bots: {args.users} users, {args.rounds} rounds each, in turn "
              f"(server output in {LOG_DIR})...", flush=True)
        our_figures, minimal_figures = measure_both(ours, minimal, args.users, args.rounds)
    return 0 if report(our_figures, minimal_figures, args.users, args.rounds) else 1


if __name__ == "__main__":
    sys.exit(main())
