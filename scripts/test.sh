#!/usr/bin/env bash
# The one test command (README, CI): installs what the tests need, type-checks, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Servers and toolchains the tests use; each test that needs one fails loudly if it is missing.
bash scripts/install-test-deps.sh

echo "== type-check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p test/tsconfig.json
echo "== lint (ESLint, import cycles, .editorconfig)"
npm run --silent lint
echo "== build"
npx tsc -p tsconfig.json

echo "== tests"
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
