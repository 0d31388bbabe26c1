# Shared by scripts/test.sh and scripts/demo.sh: find Python, make .venv, install the package.
# Sourced, not run. Works on a fresh Debian machine as root (installs what is missing with apt-get)
# and on a developer's machine without root (then it says what to install instead).

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${SORA_VENV:-$REPO_ROOT/.venv}"
VPY="$VENV/bin/python"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

_apt_updated=0
apt_install() {
    # apt_install PKG...: install Debian packages if we are root and apt-get exists, else explain.
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        die "missing system package(s): $*. Install them (e.g. 'sudo apt-get install -y $*') and rerun."
    fi
    # Two checkouts set up at once (a test run beside a demo) would both run apt-get; the second
    # one failed on apt's lock. They take turns on a lock of our own, and apt waits for anyone
    # else's (DPkg::Lock::Timeout; update retried, as its lists lock may not wait).
    local lock_fd
    exec {lock_fd}>/var/lock/sora-widgets-apt.lock
    if ! flock -n "$lock_fd"; then
        say "waiting for another set-up's apt-get to finish"
        flock "$lock_fd"
    fi
    if [ "$_apt_updated" = 0 ]; then
        say "apt-get update"
        local try
        for try in 1 2 3 4 5 6; do
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq && break
            [ "$try" = 6 ] && die "apt-get update failed (no network to the Debian mirror?)"
            sleep 10
        done
        _apt_updated=1
    fi
    say "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" \
        || die "apt-get install $* failed (see above)"
    exec {lock_fd}>&-
}

find_python() {
    # PYTHON=/path/to/python overrides; otherwise the first python3 that is 3.10 or newer.
    local candidates=("${PYTHON:-}" python3 python3.13 python3.12 python3.11 python3.10)
    local c
    for c in "${candidates[@]}"; do
        [ -n "$c" ] || continue
        if command -v "$c" >/dev/null 2>&1 \
            && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    # ensure_venv EXTRAS: create .venv if needed and install the package editable with EXTRAS
    # (e.g. "test" or "demo"). Reinstalls only when pyproject.toml or the extras changed.
    local extras="$1"
    if [ ! -x "$VPY" ]; then
        local py
        py="$(find_python)" || { apt_install python3 python3-venv; py="$(find_python)"; } \
            || die "no Python 3.10+ found; set PYTHON=/path/to/python3"
        say "creating $VENV with $("$py" --version 2>&1)"
        if ! "$py" -m venv "$VENV" 2>/dev/null; then
            # Debian splits venv/ensurepip into python3-venv.
            rm -rf "$VENV"
            apt_install python3-venv
            "$py" -m venv "$VENV"
        fi
    fi
    local stamp="$VENV/.sora-installed-$extras"
    local want
    want="$(cat "$REPO_ROOT/pyproject.toml" | "$VPY" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        say "$VENV is up to date (extras: $extras)"
        return 0
    fi
    say "installing sora-widgets[$extras] into $VENV (first run downloads packages; a few minutes)"
    local start=$SECONDS
    "$VPY" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VPY" -m pip install --quiet --disable-pip-version-check -e "$REPO_ROOT[$extras]"
    echo "$want" > "$stamp"
    say "installed in $((SECONDS - start))s"
}
