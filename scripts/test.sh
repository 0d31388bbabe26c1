#!/usr/bin/env bash
# Set up and run every check: ruff, ruff format, mypy --strict, then pytest in three stages
# (unit + integration, notebooks, real browser). Usage: scripts/test.sh [extra pytest args]
# Environment: SORA_VENV (default .venv), PYTHON (interpreter used to create it),
# CHROMIUM (default /usr/bin/chromium; installed with apt-get when missing and we are root).
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
    say "pytest ($name): -m '$expr'"
    local start=$SECONDS rc=0
    "$VPY" -m pytest -p no:cacheprovider -m "$expr" "$@" || rc=$?
    printf '    pytest (%s) finished in %ss (exit %s)\n' "$name" "$((SECONDS - start))" "$rc" >&2
    case "$rc" in
        0) collected=$((collected + 1)) ;;
        5) say "pytest ($name): no tests selected in this stage" ;;
        *) failed+=("pytest ($name)") ;;
    esac
}

step "ruff check" "$VPY" -m ruff check .
step "ruff format" "$VPY" -m ruff format --check .
step "mypy --strict" "$VPY" -m mypy --strict
pytest_stage "unit and integration" "not browser and not notebooks and not live" "$@"
pytest_stage "notebooks" "notebooks and not live" "$@"
pytest_stage "browser" "browser and not live" "$@"

if [ "$collected" = 0 ] && [ "${#failed[@]}" = 0 ]; then
    failed+=("pytest (no tests were collected at all)")
fi
if [ "${#failed[@]}" != 0 ]; then
    printf '\033[31mFAILED:\033[0m %s\n' "${failed[@]}" >&2
    echo "Screenshots and logs of browser tests are in test-artifacts/." >&2
    exit 1
fi
say "all checks passed in ${SECONDS}s (browser screenshots in test-artifacts/)"
