# Trust Coach: the few commands a person types. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV  := .venv
BIN   := $(VENV)/bin
MODEL := models/trust-coach.tar.gz
WIDGET := web/dist/trust-coach.js
# The model is retrained only when what it is trained from changes (the practice replies train the
# action server's assessment, not the model).
TRAINING_INPUTS := domain.yml config.yml $(filter-out data/practice/%,$(wildcard data/*/*.yml)) $(wildcard components/*.py components/*/*.py) coach/content.py coach/patterns.py coach/spacy_parse.py \
                   $(wildcard components/patterns/*.jsonl components/*/patterns/*.jsonl coach/patterns/*.jsonl) content/intents.yml

export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONWARNINGS ?= ignore::DeprecationWarning
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1

.PHONY: help setup train run chat cluster bench eval resources purge test test-unit lint clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: $(VENV)/.installed ## Create .venv (Python 3.10) and install everything, spaCy model included

$(VENV)/.installed: pyproject.toml scripts/setup.sh web/package-lock.json
	@bash scripts/setup.sh

# The widget's one script, rebuilt when its source changes.
$(WIDGET): $(wildcard web/src/*) | $(VENV)/.installed
	@bash scripts/setup.sh

train: $(MODEL) ## Train the model if the data, domain or config changed

$(MODEL): $(TRAINING_INPUTS) | $(VENV)/.installed
	$(BIN)/rasa train --fixed-model-name trust-coach --out models
	@touch $@

run: $(MODEL) $(WIDGET) ## Start the assistant: Rasa on :5005, actions on :5055, the chat on a demo page on :8080
	@bash scripts/run.sh

cluster: $(MODEL) ## Start the production topology here: 2 Rasa replicas, 2 action servers, nginx on :8000
	@bash scripts/system_packages.sh nginx
	@bash scripts/cluster.sh

USERS ?= 20
ROUNDS ?= 3
bench: $(MODEL) ## Load-test the whole stack against a minimal Rasa bot: make bench USERS=20 ROUNDS=3
	$(BIN)/python scripts/bench.py --users $(USERS) --rounds $(ROUNDS)

eval: $(MODEL) ## Print how well the model understands (short, realistic) and how the safety check does
	$(BIN)/python scripts/evaluate.py
	$(BIN)/python scripts/evaluate_safety.py

chat: | $(VENV)/.installed ## Talk to the running assistant in this terminal (after `make run`)
	@$(BIN)/python scripts/chat.py

resources: | $(VENV)/.installed ## Import or update the therapy directory: make resources FILE=path.yml
	@test -n "$(FILE)" || { echo "usage: make resources FILE=path/to/resources.yml"; exit 2; }
	$(BIN)/python scripts/import_resources.py "$(FILE)"

purge: | $(VENV)/.installed ## Delete conversations idle for more than DAYS days: make purge DAYS=30
	@test -n "$(DAYS)" || { echo "usage: make purge DAYS=30"; exit 2; }
	$(BIN)/python scripts/purge.py "$(DAYS)"

test: $(MODEL) $(WIDGET) ## Run the whole suite: unit tests, validation, stories, NLU, end-to-end, browser
	@bash scripts/system_packages.sh chromium nginx
	$(BIN)/python -m pytest -m "not model and not browser" -q
	$(BIN)/rasa data validate --fail-on-warnings --quiet
	$(BIN)/rasa test core --stories tests/stories --model $(MODEL) --fail-on-prediction-errors --out results
	$(BIN)/python -m pytest -m model -q
	$(BIN)/python -m pytest -m browser -q

test-unit: | $(VENV)/.installed ## Only the fast unit tests (no trained model needed; nginx checks its config)
	@bash scripts/system_packages.sh nginx
	$(BIN)/python -m pytest -m "not model and not browser" -q

lint: | $(VENV)/.installed ## Check the Python code style
	$(BIN)/ruff check actions channels cluster components tests scripts

clean: ## Remove the trained model and test results (keeps .venv and var/)
	rm -rf models results
