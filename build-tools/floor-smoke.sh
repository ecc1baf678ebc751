#!/usr/bin/env bash
# Installs the packed library with the declared aws-cdk-lib floor and cdk-nag 2 in a scratch directory and
# runs build-tools/floor-smoke.js there. Needs dist/js/*.tgz (npx projen package:js) and the npm registry.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
floor="$(node -p "require('$root/package.json').peerDependencies['aws-cdk-lib'].replace(/^[^0-9]*/, '')")"
constructs="$(node -p "require('$root/package.json').peerDependencies['constructs'].replace(/^[^0-9]*/, '')")"
tgz="$(ls "$root"/dist/js/*.tgz | head -1)"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cd "$dir"
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "aws-cdk-lib@$floor" "constructs@$constructs" 'cdk-nag@^2' "$tgz" >/dev/null
cp "$root/build-tools/floor-smoke.js" .
node floor-smoke.js
