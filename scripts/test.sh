#!/usr/bin/env bash
# Set up and run every check: ruff, ruff format, mypy --strict, then pytest in two stages
# (unit + integration + notebooks, then real browser), each in parallel workers (pytest-xdist).
# Usage: scripts/test.sh [extra pytest args]
# Environment: SORA_VENV (default .venv), PYTHON (interpreter used to create it),
# CHROMIUM (default /usr/bin/chromium; installed with apt-get when missing and we are root),
# SORA_TEST_WORKERS (workers of the first stage, default 4; 0 runs it in one process),
# SORA_BROWSER_WORKERS (workers of the browser stage, default 2; 0 runs it in one process),
# SORA_BROWSER_LOCK (a file: the browser stage waits for an flock on it, so several checkouts
# on one machine take turns with JupyterLab and Chromium; unset: no lock).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
cd "$REPO_ROOT"

ensure_venv test

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
    # Debian's Chromium plays H.264; fonts-liberation (only "recommended") makes screenshots legible.
    apt_install chromium fonts-liberation
fi
[ -x "$CHROMIUM" ] || die "Chromium not found at $CHROMIUM (set CHROMIUM=/path/to/chromium)"

# The classroom gateway's tests start a private PostgreSQL cluster (initdb + pg_ctl as the
# unprivileged "postgres" user); Debian's package provides both.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
fi

# The widgets' front ends are bundled by esbuild (package.json, package-lock.json); with Node and
# `npm ci` the test that the committed bundles in static/dist match their sources runs (without
# Node that one test is skipped). Debian's nodejs/npm are installed when we may (root + apt-get).
if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt_install nodejs npm
fi
if command -v npm >/dev/null 2>&1; then
    say "npm ci (esbuild, for the front-end bundle check)"
    npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (no network to the npm registry?)"
else
    say "no npm: the test that static/dist is current will be skipped"
fi

failed=()
collected=0
step() {
    # step NAME CMD...: run a check, remember failures, keep going so one run shows everything.
    local name="$1"; shift
    say "$name: $*"
    local start=$SECONDS rc=0
    "$@" || rc=$?
    printf '    %s finished in %ss (exit %s)\n' "$name" "$((SECONDS - start))" "$rc" >&2
    if [ "$rc" != 0 ]; then failed+=("$name"); fi
}
pytest_stage() {
    # pytest_stage NAME MARKEXPR [args]: exit code 5 means "no tests selected", which is fine for
    # one stage (e.g. no browser tests yet) but not for the whole run; see the check at the end.
    local name="$1" expr="$2"; shift 2
    say "pytest ($name): -m '$expr' $*"
    local start=$SECONDS rc=0
    # --durations: every run's log names its slowest tests, so CI time is read, not guessed.
    "$VPY" -m pytest -p no:cacheprovider -m "$expr" --durations=25 --durations-min=5 "$@" || rc=$?
    printf '    pytest (%s) finished in %ss (exit %s)\n' "$name" "$((SECONDS - start))" "$rc" >&2
    case "$rc" in
        0) collected=$((collected + 1)) ;;
        5) say "pytest ($name): no tests selected in this stage" ;;
        *) failed+=("pytest ($name)") ;;
    esac
}

step "ruff check" "$VPY" -m ruff check .
step "ruff format" "$VPY" -m ruff format --check .
# mypy (one core for a minute on a cold cache) runs beside the first pytest stage; its output is
# shown, and its exit status counted, once that stage is over.
say "mypy --strict: started in the background, reported after the first pytest stage"
mypy_out="$(mktemp)"
mypy_start=$SECONDS
"$VPY" -m mypy --strict >"$mypy_out" 2>&1 &
mypy_pid=$!
# Two cores run four workers well: most tests wait on a subprocess, a kernel or a socket part
# of the time (measured side by side at load 7-9: 4 workers 285 s, 3 workers 383 s). worksteal
# evens out the long tests (storyboards, notebooks) across workers.
pytest_stage "unit, integration and notebooks" "not browser and not live" \
    -n "${SORA_TEST_WORKERS:-4}" --dist worksteal "$@"
mypy_rc=0
wait "$mypy_pid" || mypy_rc=$?
say "mypy --strict"
cat "$mypy_out" >&2
rm -f "$mypy_out"
printf '    mypy --strict finished in %ss (exit %s)\n' "$((SECONDS - mypy_start))" "$mypy_rc" >&2
if [ "$mypy_rc" != 0 ]; then failed+=("mypy --strict"); fi
# Each browser worker has its own JupyterLab (and Notebook 7, on first use) and Chromium.
if [ -n "${SORA_BROWSER_LOCK:-}" ]; then
    exec 9>"$SORA_BROWSER_LOCK"
    say "waiting for the browser lock $SORA_BROWSER_LOCK"
    flock 9
fi
pytest_stage "browser" "browser and not live" -n "${SORA_BROWSER_WORKERS:-2}" --dist worksteal "$@"
if [ -n "${SORA_BROWSER_LOCK:-}" ]; then
    flock -u 9
    exec 9>&-
fi

if [ "$collected" = 0 ] && [ "${#failed[@]}" = 0 ]; then
    failed+=("pytest (no tests were collected at all)")
fi
if [ "${#failed[@]}" != 0 ]; then
    printf '\033[31mFAILED:\033[0m %s\n' "${failed[@]}" >&2
    echo "Screenshots and logs of browser tests are in test-artifacts/." >&2
    exit 1
fi
say "all checks passed in ${SECONDS}s (browser screenshots in test-artifacts/)"
