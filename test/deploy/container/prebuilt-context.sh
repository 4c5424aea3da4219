#!/bin/sh
# Lay out what the Dockerfile's `prebuilt` stage takes (APP_STAGE=prebuilt) in <dir>, without the npm registry:
# package.json, the production dependencies of package-lock.json (hard links into node_modules, or copies across file
# systems; less what deploy/container/prune-modules.js removes), bin/, build/cli.js (scripts/build-cli.ts), dist/ (vite build), public/ and deploy/container/.
# Usage: prebuilt-context.sh <dir>   (run from the repository root with Node 22 first on PATH)
set -eu
OUT="$1"
ROOT="$(pwd)"
MODULES="$(readlink -f node_modules)"
mkdir -p "$OUT/node_modules" "$OUT/deploy"
node -e '
  const lock = require("./package-lock.json")
  const fs = require("node:fs")
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith("node_modules/") || entry.dev === true) continue
    const name = path.slice("node_modules/".length)
    if (name.includes("/node_modules/")) continue // nested copies come with their parent
    if (fs.existsSync(path)) console.log(name)
  }
' > "$OUT/.modules"
(cd "$MODULES" && xargs cp -al --parents -t "$OUT/node_modules" < "$OUT/.modules" 2>/dev/null) \
  || (cd "$MODULES" && xargs cp -a --parents -t "$OUT/node_modules" < "$OUT/.modules")
rm "$OUT/.modules"
node deploy/container/prune-modules.js package-lock.json "$OUT/node_modules"
cp package.json "$OUT/"
cp -r bin public "$OUT/"
cp -r deploy/container "$OUT/deploy/"
vite build --outDir "$OUT/dist" --emptyOutDir --logLevel warn
# build-cli.ts writes build/cli.js in the checkout, where bin/ipfs-kit.js would then prefer it: move it out
node scripts/build-cli.ts >/dev/null
rm -rf "$OUT/build"
mv "$ROOT/build" "$OUT/build"
