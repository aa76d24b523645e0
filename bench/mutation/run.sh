#!/usr/bin/env bash
# One mutation session: `bash bench/mutation/run.sh NAME` mutates the module named in bench/mutation/NAME.toml
# and runs that file's tests against each mutant; a session interrupted resumes where it stopped. The results
# are kept in bench/mutation/sessions/NAME.sqlite (git-ignored); `bench/mutation/score.py` reads them.
set -euo pipefail
cd "$(dirname "$0")/../.."
name="$1"
config="bench/mutation/$name.toml"
session="bench/mutation/sessions/$name.sqlite"
mkdir -p bench/mutation/sessions
export PATH="$PWD/.venv/bin:$PATH" DJANGO_SETTINGS_MODULE=portal.settings.test
if [ ! -f "$session" ]; then
  cosmic-ray init "$config" "$session"
  # Operators whose mutants are replacements of arithmetic by bit shifts, powers and bitwise operators: they
  # turn every rule here into a crash or a type error, which tells nothing about the tests' oracles.
  cr-filter-operators "$session" bench/mutation/filters.toml
fi
cosmic-ray exec "$config" "$session"
