# The two commands of the README: `make demo` (main job on the sample farm) and `make test`.
PYTHON ?= python3
FARM ?= samples/farm
OUT ?= out

.PHONY: install system demo eval test

# Debian packages: Chromium (JavaScript pages, report screenshots), Thai fonts, Thai OCR (--ocr),
# PostgreSQL (a shared history) and Redis (the queue of a worker fleet); the tests start their own
# servers on 127.0.0.1.
system:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi garuda && \
	  tesseract --list-langs 2>/dev/null | grep -qx tha && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && \
	  command -v redis-server >/dev/null 2>&1 || \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-thai-tlwg tesseract-ocr tesseract-ocr-tha \
	    postgresql redis-server >/dev/null)

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

# Benchmarks (bench/README.md): throughput, focused crawl, memory, accuracy, profile, nationwide
# against slow servers; about an hour and a half on 2 cores; writes bench/RESULTS.md
.PHONY: bench
bench: install
	$(PYTHON) bench/run_all.py
