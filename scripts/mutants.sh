#!/usr/bin/env bash
# Proof that the checkers bite: plants each bug of simulation/mutants/*.patch, one at a time, into a scratch
# copy of this tree, runs the default sweep over it, and prints one row per bug: found or not, the first
# seed that found it, how many seeds did, the invariant that fired, and whether the replay command the
# sweep printed, pasted as is, reproduces the same violation with the same trace hash.
#   scripts/mutants.sh [PATCH ...]       (default: every patch; SEEDS=1..1000 JOBS=<cores> to change the sweep)
# With SHRINK=1 it also shrinks each bug's first failing seed (testbed shrink) and prints a second table:
# connections, requests, fault events and trace lines before -> after, and the time the shrink took;
# SAVE_CASES=DIR also keeps each shrunk case there as BUG.json (how simulation/regression-cases/ was made).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${SEEDS:-1..1000}
jobs=${JOBS:-$(nproc)}
patches=("$@")
[ ${#patches[@]} -gt 0 ] || patches=(simulation/mutants/*.patch)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tree="$scratch/tree"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tree"
testbed="$tree/cli/bin/Release/net10.0/testbed"

printf '| bug | found | first seed | seeds that found it | invariant | replay reproduces |\n|---|---|---|---|---|---|\n'
found=0
firsts=()
shrinks=()
for patch in "${patches[@]}"; do
  name=$(basename "$patch" .patch)
  (cd "$tree" && git apply "$OLDPWD/$patch")
  if ! (cd "$tree" && dotnet build cli -c Release -nologo -v q >"$scratch/build.log" 2>&1); then
    printf '| %s | build failed: %s | | | | |\n' "$name" "$(grep -m1 -o 'error [A-Z0-9]*: [^[]*' "$scratch/build.log")"
    (cd "$tree" && git apply -R "$OLDPWD/$patch")
    continue
  fi

  CI=true TESTBED_COMMAND="$testbed" "$testbed" sweep --seeds "$seeds" --jobs "$jobs" --json "$scratch/sweep.json" >"$scratch/sweep.txt" 2>&1 || true
  row=$(python3 - "$scratch/sweep.json" <<'PY'
import json, sys
sweep = json.load(open(sys.argv[1]))
failures = sweep["failures"]
if not failures:
    print("no")
else:
    first = min(failures, key=lambda f: int(f["seed"]))
    print("yes", first["seed"], len(failures), first["invariant"], first["replay"], sep="\t")
PY
)
  if [ "$row" = "no" ]; then
    printf '| %s | **not found** | | 0 | | |\n' "$name"
  else
    IFS=$'\t' read -r _ seed count invariant replay <<<"$row"
    reproduced=no
    if out=$(bash -c "$replay" 2>&1 >/dev/null); [ $? -ne 0 ] \
       && grep -q "broke $invariant at" <<<"$out" && grep -q "is the original's" <<<"$out"; then
      reproduced=yes
    fi
    printf '| %s | yes | %s | %s | %s | %s |\n' "$name" "$seed" "$count" "$invariant" "$reproduced"
    if [ "${SHRINK:-0}" = 1 ]; then
      shrink=$(sed -e 's/ replay / shrink /' -e 's/ --expect-hash [0-9a-f]*//' <<<"$replay")
      bash -c "$shrink --out $scratch/case.json" >"$scratch/shrink.txt" 2>&1 || true
      if [ -n "${SAVE_CASES:-}" ] && [ -f "$scratch/case.json" ]; then
        cp "$scratch/case.json" "$SAVE_CASES/$name.json"
      fi
      shrinks+=("$(python3 - "$name" "$invariant" "$scratch/shrink.txt" <<'PY'
import re, sys
name, invariant = sys.argv[1], sys.argv[2]
text = open(sys.argv[3]).read()
took = re.search(r" in ([0-9.]+) s: (\d+) steps", text)
rows = dict((m.group(1), (m.group(2), m.group(3))) for m in re.finditer(r"^  (connections|requests|fault events|trace lines) +(\d+) +(\d+)$", text, re.M))
if not took or len(rows) < 4:
    print(f"| {name} | {invariant} | shrink failed | | | | |")
else:
    cell = lambda k: f"{rows[k][0]} → {rows[k][1]}"
    print(f"| {name} | {invariant} | {cell('connections')} | {cell('requests')} | {cell('fault events')} | {cell('trace lines')} | {took.group(1)} s |")
PY
)")
    fi
    found=$((found + 1))
    firsts+=("$seed")
  fi

  (cd "$tree" && git apply -R "$OLDPWD/$patch")
done

if [ ${#shrinks[@]} -gt 0 ]; then
  printf '\n| bug | invariant | connections | requests | fault events | trace lines | shrink time |\n|---|---|---|---|---|---|---|\n'
  printf '%s\n' "${shrinks[@]}"
fi

median=$(printf '%s\n' "${firsts[@]:-}" | sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}')
echo
echo "found ${found} of ${#patches[@]} planted bugs within seeds ${seeds}; median first seed: ${median}"
[ "$found" -eq "${#patches[@]}" ]
