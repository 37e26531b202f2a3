# The two commands of the README: `make demo` (main job on the sample farm) and `make test`.
PYTHON ?= python3
FARM ?= samples/farm
OUT ?= out

.PHONY: install system demo test

# Debian packages: Chromium (JavaScript pages, report screenshots) and Thai fonts.
system:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi garuda || \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null)

install: system
	$(PYTHON) -m pip install -q -e '.[test,notify]'

demo: install
	oit eval $(FARM) --out $(OUT)/farm --json $(OUT)/eval.json

test: install
	$(PYTHON) -m pytest -q
