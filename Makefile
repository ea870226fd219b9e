.PHONY: setup run test test-fast lint format check messages demo

setup:
	bin/setup

run: setup
	bin/run

test:
	bin/setup --test
	bin/test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check:
	.venv/bin/python manage.py check
	.venv/bin/python manage.py makemigrations --check --dry-run

messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=var --ignore=benchmarks --no-obsolete
	.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules

demo:
	.venv/bin/python manage.py load_demo
