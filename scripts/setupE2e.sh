#!/usr/bin/env bash
# Installs what the end-to-end suite needs to run the extension in a real VS Code offline: Debian's Chromium, ripgrep
# and kerberos headers, and code-server 4.100.3 (VS Code 1.100.3, the last release that runs on Node 20) under
# .vscode-test/code-server. Follows ../shared/design/vscode-e2e.md. Idempotent: a finished install is verified and left
# alone in about a second. Safe without a terminal (CI=true, no stdin). CODE_SERVER_DIR installs elsewhere instead (to
# time a fresh install beside a working one); the suite itself uses .vscode-test/code-server.
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3
readonly VSCODE_VERSION=1.100.3
readonly APT_PACKAGES=(libkrb5-dev ripgrep chromium)
# Native modules of VS Code's server; --ignore-scripts skipped their builds.
readonly VSCODE_NATIVE_MODULES=(kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog)

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${CODE_SERVER_DIR:-$repo/.vscode-test/code-server}"
package_dir="$prefix/node_modules/code-server"
vscode_dir="$package_dir/lib/vscode"
entry="$package_dir/out/node/entry.js"
done_marker="$prefix/.installed-$CODE_SERVER_VERSION"

started=$SECONDS
did=()
say() { printf 'e2e:setup: %s\n' "$*"; }
fail() { printf 'e2e:setup: %s\n' "$*" >&2; exit 1; }
# Every step that reaches the network or compiles is bounded, and never waits for input.
bounded() { local limit=$1; shift; timeout --kill-after=10 "$limit" "$@" </dev/null; }
# npm's output goes to a log, shown when a step fails.
log="$prefix/setup.log"
logged_npm() {
  local status=0
  bounded "$1" npm "${@:2}" --no-audit --no-fund >>"$log" 2>&1 || status=$?
  if (( status != 0 )); then grep -v 'Unknown user config' "$log" | tail -n 30 >&2; fi
  return "$status"
}

# An empty --config keeps code-server from writing a default one into ~/.config.
installed_version() { node "$entry" --config /dev/null --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -n 1; }
is_ready() { [[ -f "$done_marker" && -f "$entry" ]] && [[ "$(installed_version)" == "$CODE_SERVER_VERSION "*"$VSCODE_VERSION"* ]]; }

missing_apt_packages() {
  local name
  for name in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$name"
  done
}

install_apt_packages() {
  local missing
  mapfile -t missing < <(missing_apt_packages)
  (( ${#missing[@]} == 0 )) && return 0
  local sudo=()
  if (( EUID != 0 )); then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || fail "needs root to install ${missing[*]}: run it as root, or run: sudo apt-get install -y ${missing[*]}"
    sudo=(sudo -n)
  fi
  say "installing Debian packages: ${missing[*]}"
  bounded 300 "${sudo[@]}" apt-get update -qq || fail 'apt-get update failed'
  DEBIAN_FRONTEND=noninteractive bounded 900 "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed"
  did+=("apt-get install ${missing[*]}")
}

# node-gyp would otherwise download Node's headers, which is impossible offline; Node's own install ships them.
use_local_node_headers() {
  local node_prefix
  node_prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [[ -z "${npm_config_nodedir:-}" && -f "$node_prefix/include/node/node.h" ]]; then
    export npm_config_nodedir="$node_prefix"
  fi
}

install_code_server() {
  mkdir -p "$prefix"
  if [[ "$(node -p "try { require('$package_dir/package.json').version } catch { '' }")" != "$CODE_SERVER_VERSION" ]]; then
    say "npm install code-server@$CODE_SERVER_VERSION (scripts skipped: its postinstall downloads ripgrep)"
    rm -f "$prefix"/.step-*
    logged_npm 900 install --prefix "$prefix" --ignore-scripts --unsafe-perm "code-server@$CODE_SERVER_VERSION" \
      || fail "npm install code-server@$CODE_SERVER_VERSION failed"
    did+=("npm install code-server@$CODE_SERVER_VERSION")
  fi

  if [[ ! -f "$prefix/.step-vscode-modules" ]]; then
    say 'npm install in lib/vscode (server dependencies)'
    (cd "$vscode_dir" && logged_npm 900 install --omit=dev --ignore-scripts --unsafe-perm) || fail 'npm install in lib/vscode failed'
    touch "$prefix/.step-vscode-modules"
    did+=('npm install lib/vscode')
  fi

  if [[ ! -f "$prefix/.step-vscode-native" ]]; then
    say "npm rebuild ${VSCODE_NATIVE_MODULES[*]}"
    # node-pty's build runs `npx node-gyp`, which would stop to ask without npm_config_yes.
    (cd "$vscode_dir" && export npm_config_yes=true && logged_npm 1200 rebuild "${VSCODE_NATIVE_MODULES[@]}") || fail 'rebuilding VS Code native modules failed'
    touch "$prefix/.step-vscode-native"
    did+=("npm rebuild ${VSCODE_NATIVE_MODULES[*]}")
  fi

  local rg_target="$vscode_dir/node_modules/@vscode/ripgrep/bin/rg"
  if [[ ! -x "$rg_target" ]]; then
    mkdir -p "$(dirname "$rg_target")"
    cp "$(command -v rg)" "$rg_target"
    did+=('copied Debian ripgrep into @vscode/ripgrep')
  fi
  if [[ "$(readlink "$vscode_dir/node_modules.asar" 2>/dev/null)" != node_modules ]]; then
    ln -sfn node_modules "$vscode_dir/node_modules.asar"
    did+=('linked node_modules.asar')
  fi

  if [[ ! -f "$prefix/.step-argon2" ]]; then
    say 'npm rebuild argon2 (code-server loads it even with --auth none)'
    (cd "$prefix" && export npm_config_yes=true && logged_npm 600 rebuild argon2) || fail 'rebuilding argon2 failed'
    touch "$prefix/.step-argon2"
    did+=('npm rebuild argon2')
  fi
}

if is_ready && [[ -z "$(missing_apt_packages)" ]]; then
  say "ready: code-server $(installed_version) in ${prefix#"$repo"/}, $(command -v chromium) ($((SECONDS - started)) s, nothing to do)"
  exit 0
fi

# One install at a time: a second run waits for the first, then finds it done.
mkdir -p "$prefix"
exec 9>"$prefix.lock"
flock -w 1800 9 || fail "another setup holds $prefix.lock"

install_apt_packages
if ! is_ready; then
  rm -f "$done_marker"
  use_local_node_headers
  install_code_server
  version="$(installed_version)"
  [[ "$version" == "$CODE_SERVER_VERSION "*"$VSCODE_VERSION"* ]] || fail "code-server does not start: entry.js --version printed '${version:-nothing}'"
  touch "$done_marker"
fi

for step in "${did[@]}"; do say "did: $step"; done
say "ready: code-server $(installed_version) in ${prefix#"$repo"/}, $(command -v chromium) ($((SECONDS - started)) s)"
