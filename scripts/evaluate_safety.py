"""How the safety check does on people's own words: recall per kind and false flags, each part and the whole.

Reads a labelled safety set (by default tests/safety/real_style.yml: crisis, warning signs of control
and near-misses, written and labelled blind to the detector) through the whole NLU pipeline, as the
Rasa server reads a message, and counts what the person would get first: the crisis answer
(safety_self_harm, safety_danger), the warning-signs answer with The Hotline
(safety_coercive_control), or no safety answer. It does so for the parse-based rules alone, the
learned classifier alone (both as SafetyClassifier reports them) and the two combined, which is what
the person gets. `--set tests/safety/real_style_dev.yml` measures the development set, the one to
tune on. `--misses` lists each message the combined check got wrong; reading them is looking at the
set, so a fix made after it on the held-out set needs a fresh set to be measured on.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import MODEL, PROJECT_DIR, parse_all  # noqa: E402

SAFETY_SET = PROJECT_DIR / "tests" / "safety" / "real_style.yml"
CRISIS_INTENTS = {"safety_self_harm", "safety_danger"}
WARNING_INTENTS = {"safety_coercive_control"}
WARNING_ENTITY = "safety_warning"  # set by components/safety/component.py
RULE_TIERS = {"self_harm": "crisis", "danger": "crisis", "coercive_control": "warning"}
READINGS = "safety_readings"  # set by components/safety/component.py
PARTS = ("rules", "learned", "combined")


def tier(result: dict) -> str:
    """What the person is answered with, by the intent the pipeline set or, for a warning sign found
    beside a coaching reading, the `safety_warning` entity (the warning comes after that answer)."""
    intent = result["intent"]["name"]
    if intent in CRISIS_INTENTS:
        return "crisis"
    beside = any(entity["entity"] == WARNING_ENTITY for entity in result.get("entities") or [])
    return "warning" if intent in WARNING_INTENTS or beside else "none"


def tiers(result: dict) -> dict[str, str]:
    """What each part made of one parsed message: the rules, the learned classifier, and both."""
    readings = result.get(READINGS) or {}
    return {
        "rules": RULE_TIERS.get(readings.get("rules"), "none"),
        "learned": readings.get("learned") or "none",
        "combined": tier(result),
    }


def right(label: str, got: str) -> bool:
    """A crisis must get the crisis answer; a warning sign at least The Hotline; a near-miss nothing."""
    if label == "crisis":
        return got == "crisis"
    if label == "warning":
        return got in ("crisis", "warning")
    return got == "none"


def figures(cases: list[dict], got: list[dict[str, str]]) -> list[str]:
    """The report: per label and per kind, how many each part got right (a near-miss: flagged)."""
    totals = Counter((case["label"], case.get("kind", "")) for case in cases)
    hits = {part: Counter() for part in PARTS}
    for case, answers in zip(cases, got, strict=True):
        for part in PARTS:
            hits[part][(case["label"], case.get("kind", ""))] += right(case["label"], answers[part])
    lines = [f"  {'':24s}" + "".join(f"{part:>16s}" for part in PARTS)]
    for label, what in (("crisis", "recall"), ("warning", "recall"), ("none", "false flags")):
        keys = sorted(key for key in totals if key[0] == label)
        n = sum(totals[key] for key in keys)
        if not n:
            continue
        row = f"  {label + ' ' + what:24s}"
        for part in PARTS:
            k = sum(hits[part][key] for key in keys)
            count = n - k if label == "none" else k
            row += f"{count:>7d}/{n:<3d} {count / n:4.2f}"
        lines.append(row)
        for key in keys:
            if key[1]:
                cells = []
                for part in PARTS:
                    k = hits[part][key]
                    cells.append(f"{(totals[key] - k) if label == 'none' else k:>11d}/{totals[key]:<4d}")
                lines.append(f"    {key[1]:22s}" + "".join(cells))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--set", type=Path, default=SAFETY_SET)
    parser.add_argument("--misses", action="store_true",
                        help="list every message the combined check read wrong")
    args = parser.parse_args()
    cases = yaml.safe_load(args.set.read_text(encoding="utf-8"))["cases"]
    got = [tiers(result) for result in parse_all(args.model, [case["text"] for case in cases])]
    print(f"safety: {len(cases)} messages in {args.set.name} (a near-miss counts when it is flagged)")
    print("\n".join(figures(cases, got)))
    if args.misses:
        for case, answers in zip(cases, got, strict=True):
            if not right(case["label"], answers["combined"]):
                print(f"  [{case['label']} -> {answers['combined']}] {case['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
