# Thin wrappers over scripts/ (which say what they do at their top).
PREFIX ?= /usr/local
# A binary to install instead of building one (e.g. BINARY=dist/secr-0.2.0-linux-x86_64).
BINARY ?=

.PHONY: build release install test test-release

build:
	swift build -c release

# dist/: the self-contained binary, the .deb, the npm tarballs, SHA256SUMS.
release:
	scripts/release

# The binary, man page, completions and pre-commit hook under $(PREFIX).
install:
	scripts/install "$(PREFIX)" $(BINARY)

test:
	scripts/test

# Every install channel from a clean state, the minimal root, the GitHub Action (needs root).
test-release:
	scripts/test-release
