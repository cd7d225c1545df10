"""A component's trained model in Rasa's model storage: written after training, read back with the graph."""

from __future__ import annotations

from typing import Any

import joblib
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


def save_trained(model_storage: ModelStorage, resource: Resource, filename: str, trained: Any) -> None:
    """Writes `trained` (anything joblib can pickle) as `filename` in the component's resource."""
    with model_storage.write_to(resource) as directory:
        joblib.dump(trained, directory / filename)


def load_trained(model_storage: ModelStorage, resource: Resource, filename: str) -> Any | None:
    """What `save_trained` wrote, or None if nothing was (a graph trained with no NLU data)."""
    try:
        with model_storage.read_from(resource) as directory:
            return joblib.load(directory / filename)
    except ValueError:  # Rasa's "no resource" for a component that was never trained
        return None
