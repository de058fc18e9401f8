# amana: 'make run' sets everything up and serves on http://127.0.0.1:8000; 'make test' runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
APPS := $(sort $(dir $(wildcard amana/*/apps.py)))
LOCALES := -l ar -l ckb -l en

.PHONY: run test lint bench keys venv messages check-messages compilemessages migrate demo totp clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

keys: venv
	$(BIN)/python scripts/ensure_keys.py

compilemessages: venv
	$(MANAGE) compilemessages --ignore '.venv' --ignore 'var' --verbosity 0

migrate: keys compilemessages
	$(MANAGE) migrate --verbosity 0

demo: migrate
	DEBUG=1 $(MANAGE) seed_demo

# The web server, the task worker and the schedule that queues periodic jobs; Ctrl-C stops all three.
run: demo
	@DEBUG=1 $(MANAGE) db_worker --interval 5 & worker=$$!; \
	DEBUG=1 $(MANAGE) run_schedule --loop 60 & schedule=$$!; \
	trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

# The current second-factor code of a demo user: make totp who=demo.caseworker
totp: venv
	@DEBUG=1 $(MANAGE) demo_totp $(who)

test: keys compilemessages
	AMANA_HTTPS=0 AMANA_KDF_COST=minimum $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: keys
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy amana

# Rebuild the translation catalogues from the source (each app keeps its own).
messages: keys
	@for app in $(APPS); do (cd $$app && mkdir -p locale && $(CURDIR)/$(BIN)/python $(CURDIR)/manage.py makemessages $(LOCALES) --no-obsolete --no-location --verbosity 0); done

# Fails when a catalogue lacks a string of the source, or Arabic or Kurdish has one untranslated.
check-messages: keys
	$(BIN)/python scripts/check_messages.py

bench: keys compilemessages
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
