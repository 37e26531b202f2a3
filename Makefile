# The two commands of the README: `make demo` (main job on the sample farm) and `make test`.
PYTHON ?= python3
FARM ?= samples/farm
OUT ?= out

.PHONY: install system demo eval test

# Debian packages: Chromium (JavaScript pages, report screenshots) and Thai fonts.
system:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi garuda || \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-thai-tlwg >/dev/null)

install: system
	$(PYTHON) -m pip install -q -e '.[test,notify]'

# The nightly job on the bundled sample sites as one province; open $(OUT)/report/index.html
demo: install
	oit nightly --farm $(FARM) --agencies samples/agencies.csv --db $(OUT)/demo.sqlite --out $(OUT)/report

# Accuracy against the hand-written truth of the sample sites
eval: install
	oit eval $(FARM) --out $(OUT)/farm --json $(OUT)/eval.json

test: install
	$(PYTHON) -m pytest -q
