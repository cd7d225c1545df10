"""How well the trained model understands people: `make eval` prints the figures and writes the reports.

Two labelled sets are read through the whole NLU pipeline, as the Rasa server reads a message:
- short: tests/nlu/test_nlu.yml, short unseen messages in Rasa's format;
- realistic: tests/nlu/real_style.yml, long stories written the way people post them, written and
  labelled blind to the training data, never trained on.
For each: precision, recall and F1 per intent, macro-F1 over the set's own intents, the most common
confusions, and how many messages were asked back (nlu_fallback). A realistic message counts as read
right when the reading names its main label. Reports go to results/nlu-<set>/ in the shape Rasa's
own `rasa test nlu` writes (intent_report.json, intent_errors.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
MODEL = PROJECT_DIR / "models" / "trust-coach.tar.gz"
SETS = {
    "short": PROJECT_DIR / "tests" / "nlu" / "test_nlu.yml",
    "realistic": PROJECT_DIR / "tests" / "nlu" / "real_style.yml",
}
ASKED_BACK = "nlu_fallback"


@dataclass(frozen=True)
class Labelled:
    text: str
    label: str
    second: str | None = None


@dataclass
class Figures:
    name: str
    items: list[Labelled]
    predicted: list[str]

    @property
    def labels(self) -> list[str]:
        return sorted({item.label for item in self.items})

    def report(self) -> dict:
        from sklearn.metrics import classification_report

        gold = [item.label for item in self.items]
        return classification_report(gold, self.predicted, labels=self.labels, output_dict=True,
                                     zero_division=0)

    @property
    def macro_f1(self) -> float:
        return self.report()["macro avg"]["f1-score"]

    @property
    def accuracy(self) -> float:
        return sum(i.label == p for i, p in zip(self.items, self.predicted, strict=True)) / len(self.items)

    @property
    def asked_back(self) -> int:
        return self.predicted.count(ASKED_BACK)

    def misses(self) -> list[tuple[Labelled, str]]:
        return [(i, p) for i, p in zip(self.items, self.predicted, strict=True) if p != i.label]

    def confusions(self, most: int = 12) -> list[tuple[tuple[str, str], int]]:
        return Counter((item.label, got) for item, got in self.misses()).most_common(most)

    def summary(self) -> str:
        lines = [f"{self.name}: {len(self.items)} messages, macro-F1 {self.macro_f1:.3f}, "
                 f"accuracy {self.accuracy:.3f}, asked back {self.asked_back}"]
        report = self.report()
        lines.append(f"  {'intent':26s} {'prec':>5s} {'rec':>5s} {'F1':>5s} {'n':>4s}")
        for label in self.labels:
            row = report[label]
            lines.append(f"  {label:26s} {row['precision']:5.2f} {row['recall']:5.2f} "
                         f"{row['f1-score']:5.2f} {int(row['support']):4d}")
        if self.confusions():
            lines.append("  most confused (expected -> read as):")
            lines += [f"    {n:3d}  {a} -> {b}" for (a, b), n in self.confusions()]
        return "\n".join(lines)

    def write(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "intent_report.json").write_text(json.dumps(self.report(), indent=2))
        errors = [{"text": i.text, "intent": i.label, "intent_prediction": {"name": p}}
                  for i, p in self.misses()]
        (directory / "intent_errors.json").write_text(json.dumps(errors, indent=2))


def load_set(path: Path) -> list[Labelled]:
    """A labelled set: Rasa's NLU format, or our list of {text, label, second}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "messages" in data:
        return [Labelled(m["text"], m["label"], m.get("second")) for m in data["messages"]]
    from rasa.shared.nlu.training_data.loading import load_data

    return [Labelled(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples]


def parse_all(model: Path, texts: list[str]) -> list[dict]:
    """Each text as the Rasa server parses it, through the whole NLU pipeline."""
    import logging

    from rasa.core.agent import Agent
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log would print every text it parses
    logging.getLogger().setLevel(logging.WARNING)
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    try:
        return [loop.run_until_complete(agent.parse_message(text)) for text in texts]
    finally:
        loop.close()


def read_all(model: Path, texts: list[str]) -> list[str]:
    """The intent the model reads in each text."""
    return [parsed["intent"]["name"] for parsed in parse_all(model, texts)]


def evaluate(model: Path, sets: dict[str, Path]) -> list[Figures]:
    loaded = {name: load_set(path) for name, path in sets.items()}
    every = [item.text for items in loaded.values() for item in items]
    predicted = iter(read_all(model, every))
    return [Figures(name, items, [next(predicted) for _ in items]) for name, items in loaded.items()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "results")
    parser.add_argument("sets", nargs="*", help="name=path.yml; default: the short and realistic sets")
    args = parser.parse_args()
    sets = dict(s.split("=", 1) for s in args.sets) if args.sets else SETS
    for figures in evaluate(args.model, {name: Path(path) for name, path in sets.items()}):
        print(figures.summary() + "\n")
        figures.write(args.out / f"nlu-{figures.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
