#!/bin/sh
# Fetches GraphiQL and React through npm, at the versions package-lock.json pins, and copies
# their browser builds and licences into assets/, which the server embeds: the API explorer at
# / loads nothing from elsewhere. Run by go generate; npm runs only when the lock changed
# (assets/STAMP holds the lock's SHA-256).
set -eu
cd "$(dirname "$0")"
stamp=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f assets/STAMP ] && [ "$(cat assets/STAMP)" = "$stamp" ]; then
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json package-lock.json "$work"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts >/dev/null)
m="$work/node_modules"
rm -rf assets
mkdir assets
for f in "$m/graphiql/graphiql.min.js" "$m/graphiql/graphiql.min.css" \
	"$m/react/umd/react.production.min.js" "$m/react-dom/umd/react-dom.production.min.js"; do
	# The source maps are not shipped: a browser would ask for them in vain.
	sed '/^\/[*/]# sourceMappingURL=/d' "$f" >"assets/$(basename "$f")"
done
for p in graphiql react react-dom; do
	cp "$m/$p/LICENSE" "assets/LICENSE.$p"
done
echo "$stamp" >assets/STAMP
