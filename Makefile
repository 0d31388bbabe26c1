# The two commands a newcomer needs; both work on a fresh Debian machine with Python 3.10+.
#   make demo   set up .venv and open JupyterLab on the quickstart notebook (simulator, no key)
#   make test   set up .venv and run every check: ruff, mypy --strict, pytest incl. notebooks and browser
# The real work is in scripts/ so that machines without make can run `bash scripts/test.sh`.

.PHONY: demo test lint notebooks-strip clean

demo:
	bash scripts/demo.sh $(ARGS)

test:
	bash scripts/test.sh $(ARGS)

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy --strict

# Strip outputs from notebooks/ before committing (tests fail on notebooks with outputs).
notebooks-strip:
	.venv/bin/python scripts/nbtool.py strip notebooks/*.ipynb

clean:
	rm -rf .venv test-artifacts .pytest_cache .mypy_cache .ruff_cache
