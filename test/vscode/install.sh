#!/usr/bin/env bash
# Installs what test/vscode/e2e.mjs needs: Debian's Chromium, ripgrep and libkrb5-dev, then
# code-server (VS Code 1.100.3) and playwright-core into test/vscode/node_modules.
# Idempotent: every step is skipped when its result is already there.
# Only the npm registry and Debian's packages are reachable, hence two work-arounds below
# (see shared/real-editors.md): a pre-seeded ripgrep download cache, and running npm as root.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
start=$(date +%s)

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if ((${#need_apt[@]})); then
  echo "install.sh: apt-get install ${need_apt[*]}"
  if [[ ! -f /tmp/.leaddef-apt-updated ]]; then
    apt-get update -qq && touch /tmp/.leaddef-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
else
  echo "install.sh: chromium, ripgrep, libkrb5-dev already installed"
fi

want_cs="$(node -p "require('./package.json').dependencies['code-server']")"
want_pw="$(node -p "require('./package.json').dependencies['playwright-core']")"
have_cs="$(node -p "try { require('./node_modules/code-server/package.json').version } catch { '' }")"
have_pw="$(node -p "try { require('./node_modules/playwright-core/package.json').version } catch { '' }")"
if [[ "$have_cs" == "$want_cs" && "$have_pw" == "$want_pw" && -x node_modules/.bin/code-server ]]; then
  echo "install.sh: code-server $have_cs and playwright-core $have_pw already installed"
  exit 0
fi

# @vscode/ripgrep's postinstall downloads a ripgrep binary from outside, which fails here and
# fails the whole install. It first looks in $TMPDIR/vscode-ripgrep-cache-<its version>/ for the
# tarball, so we put one there containing Debian's rg. The versions follow the @vscode/ripgrep
# release that code-server pulls; override with RIPGREP_PKG_VERSION / RIPGREP_BIN_VERSION.
rg_pkg="${RIPGREP_PKG_VERSION:-1.15.11}"
rg_bin="${RIPGREP_BIN_VERSION:-v13.0.0-10}"
tmp="$(mktemp -d /tmp/leaddef-cs-install.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/vscode-ripgrep-cache-$rg_pkg" "$tmp/rgbin"
cp "$(command -v rg)" "$tmp/rgbin/rg"
case "$(uname -m)" in
  x86_64) rg_target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) rg_target=aarch64-unknown-linux-musl ;;
  *) rg_target="$(uname -m)-unknown-linux-gnu" ;;
esac
tar -czf "$tmp/vscode-ripgrep-cache-$rg_pkg/ripgrep-$rg_bin-$rg_target.tar.gz" -C "$tmp/rgbin" rg

echo "install.sh: npm install code-server@$want_cs playwright-core@$want_pw (takes about a minute)"
# unsafe_perm: code-server's postinstall refuses to run as root otherwise.
# yes: node-pty's postinstall runs `npx node-gyp`, which would prompt.
TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
  npm install --no-audit --no-fund --no-save --loglevel=error

XDG_CONFIG_HOME="$tmp/xdg" XDG_DATA_HOME="$tmp/xdg" node_modules/.bin/code-server --version | head -1
echo "install.sh: done in $(( $(date +%s) - start )) s"
