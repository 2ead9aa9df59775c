# The two commands a newcomer needs: `make run` and `make test`. See README.md.
.PHONY: run test setup lint smoke check-deploy bench bench-scan clean

run:            ## set up and start the app on the embedded defaults (SQLite, filesystem broker)
	@bash scripts/run.sh

test:           ## run the whole suite against real PostgreSQL and Redis, with browser tests
	@bash scripts/test.sh

setup:          ## only install dependencies and build the front-end
	@bash scripts/setup.sh

lint:
	@.venv/bin/ruff check .

smoke:          ## start the app as `make run` does, sign in, load a page, run one beat scan
	@bash scripts/smoke.sh

check-deploy:   ## Django's deployment checks with production environment variables
	@bash scripts/check_deploy.sh

clean:
	rm -rf .venv node_modules static/build static/govuk var

bench:          ## benchmark harness on PostgreSQL: make bench ARGS="--children 10000 100000"
	@bash bench/run.sh $(ARGS)

bench-scan:     ## the clock scan on 10,000 and 1,000,000 clocks (docs/performance.md)
	@bash scripts/setup.sh >/dev/null
	@.venv/bin/python bench/scan.py $(ARGS)
