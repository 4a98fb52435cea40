#!/usr/bin/env bash
# The one command that sets up and opens the extension against the Sandbox in a real VS Code: the desktop VS Code when
# its `code` command is on PATH, otherwise VS Code in a browser (code-server, installed on first use by setupE2e.sh).
# Opens a sample workspace (.vscode-test/workspace) with SQL and FHIR examples. Extra arguments (--port N) go to
# code-server's launcher.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

say() { printf 'open-in-vscode: %s\n' "$*"; }

if [[ ! -d node_modules ]]; then
  say 'installing dependencies (npm ci)'
  npm ci --no-audit --no-fund
fi
say 'building the extension'
npm run --silent build

# Sample files are copied once: edits made in the workspace survive later runs.
workspace="$repo/.vscode-test/workspace"
mkdir -p "$workspace"
for sample in test/e2e/workspace/*; do
  [[ -e "$workspace/$(basename "$sample")" ]] || cp "$sample" "$workspace/"
done

if command -v code >/dev/null 2>&1; then
  say "opening VS Code on $workspace with the extension from $repo"
  say 'then run "Practice Data Explorer: Start Sandbox" from the Command Palette (F1)'
  exec code --extensionDevelopmentPath="$repo" "$workspace"
fi

say 'no desktop VS Code (`code`) on PATH: serving VS Code in the browser with code-server'
bash scripts/setupE2e.sh
exec node_modules/.bin/tsx test/e2e/openInCodeServer.ts "$workspace" "$@"
