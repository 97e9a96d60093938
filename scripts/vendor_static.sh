#!/usr/bin/env bash
# Vendor the front-end packages from npm into static/vendor/ (git-ignored):
#   @kern-ux/native 2  -> static/vendor/kern/ (kern.min.css, fonts/, js/)
#   htmx.org 2         -> static/vendor/htmx.min.js
# Needs node and npm; the packages are installed into var/npm, never into the repo root.
set -euo pipefail
cd "$(dirname "$0")/.."

npm install --no-save --no-audit --no-fund --prefix var/npm "@kern-ux/native@2" "htmx.org@2"

src=var/npm/node_modules
dest=static/vendor
kern="$src/@kern-ux/native/dist"

rm -rf "$dest"
mkdir -p "$dest/kern/fonts" "$dest/kern/js"
cp "$kern/kern.min.css" "$kern/kern.css" "$dest/kern/"
# The font CSS files refer to their woff2 files relative to themselves (./fira-sans/...).
cp -R "$kern/fonts/." "$dest/kern/fonts/"
cp "$kern/js/"*.js "$dest/kern/js/"
cp "$src/@kern-ux/native/LICENSE.md" "$dest/kern/LICENSE.md"
cp "$src/htmx.org/dist/htmx.min.js" "$dest/htmx.min.js"
cp "$src/htmx.org/LICENSE" "$dest/htmx.LICENSE" 2>/dev/null || true

echo "vendored: $(cd "$dest" && find . -type f | wc -l) files in $dest"
