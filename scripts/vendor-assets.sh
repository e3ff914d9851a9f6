#!/usr/bin/env bash
# Copies the pinned front-end packages (package-lock.json) into our own static files:
# intranets have no internet, so every asset is served by Jiebang itself.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=src/jiebang/static/vendor
rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,bootstrap-icons/fonts,echarts}
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 \
   node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp node_modules/echarts/dist/echarts.min.js "$dest/echarts/"
