# ModelGate — the commands a newcomer needs. Each one installs what it is missing first.
.PHONY: setup build test reliability demo bench clean

setup:
	bash scripts/setup.sh

build:
	MODELGATE_SKIP_VENV=1 bash scripts/setup.sh
	swift build

test:
	bash scripts/test.sh

reliability:
	bash scripts/reliability.sh

demo:
	bash scripts/demo.sh $(DEMO_ARGS)

bench:
	bash scripts/bench.sh

clean:
	rm -rf .build
