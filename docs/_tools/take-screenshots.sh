#!/bin/sh
# Retake the screenshots of the author's guide (docs/_static/screenshots/).
#
# Run from the repository root after a build of the docs with furo:
#
#   .venv/bin/sphinx-build -b html docs /tmp/docs-out
#   sh docs/_tools/take-screenshots.sh /tmp/docs-out
#
# Each picture is a region of a page rendered 1100 pixels wide by headless
# Chromium, in the light colour scheme. Chromium only captures the top-left
# corner of its window, so a region is cut out by showing the page in an
# iframe moved up and left inside a frame of the region's size. The
# coordinates below fit the showcase as it is; if a picture comes out cut
# off after the pages changed, adjust its numbers. pngquant, if installed,
# shrinks the files (keep each under 150 KB).
set -eu

OUT=${1:-/tmp/docs-out}
DEST=docs/_static/screenshots
CHROMIUM=${CHROMIUM:-chromium}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DEST"

# shot NAME PAGE LEFT TOP WIDTH HEIGHT
shot() {
    cat > "$WORK/frame.html" <<HTML
<!doctype html><html><head><style>
html, body { margin: 0; padding: 0; overflow: hidden; }
div { width: $5px; height: $6px; overflow: hidden; position: relative; }
iframe { position: absolute; left: -$3px; top: -$4px; width: 1100px;
         height: $(($4 + $6 + 50))px; border: 0; }
</style></head><body><div><iframe src="file://$(realpath "$OUT")/$2" scrolling="no"></iframe></div></body></html>
HTML
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --window-size="$5,$6" --screenshot="$DEST/$1.png" "file://$WORK/frame.html" >/dev/null 2>&1
    if command -v pngquant >/dev/null; then
        pngquant --force --skip-if-larger --quality=70-95 --strip --output "$DEST/$1.png" "$DEST/$1.png" || true
    fi
    echo "$DEST/$1.png"
}

shot byline            essays/tjugo-ar-med-kunden.html      290   16 680 216
shot event-callout     essays/tjugo-ar-med-kunden.html      290  240 740 292
shot hashtags-mentions essays/tjugo-ar-med-kunden.html      290 1440 760 270
shot author-card       reflections/authors/karin.html       290   16 700 306
shot tag-page          reflections/tags/kundresan2023.html  290    0 770 940
