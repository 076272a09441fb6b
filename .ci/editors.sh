#!/usr/bin/env bash
# Real-editor checks: Neovim (through vitest test/nvim.test.ts) and the real VS Code
# (code-server + Chromium, test/vscode/e2e.mjs). Installs what it needs: Debian's neovim,
# chromium, ripgrep, libkrb5-dev, and code-server/playwright-core under test/vscode/.
# Expects `npm ci && npm run build` to have run (dist/lsp/main.js must exist).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)

if [[ ! -f /tmp/.leaddef-apt-updated ]]; then
  apt-get update -qq && touch /tmp/.leaddef-apt-updated
fi
if ! command -v nvim >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends neovim
fi
echo "editors.sh: $(nvim --version | head -1)"

LEADDEF_REQUIRE_EDITORS=1 npx vitest run test/nvim.test.ts

bash test/vscode/install.sh
node test/vscode/e2e.mjs

echo "editors.sh: done in $(( $(date +%s) - start )) s"
