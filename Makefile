# Front-end assets: installs the pinned npm packages in web/ and copies the
# built Scottish Government Design System files into web/static/ds/, which is
# committed so that `go build` needs nothing but Go.
DS_PKG := web/node_modules/@scottish-government/design-system
DS_OUT := web/static/ds

.PHONY: assets
assets:
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(DS_OUT)
	mkdir -p $(DS_OUT)/css $(DS_OUT)/scripts
	cp $(DS_PKG)/dist/css/design-system.min.css $(DS_PKG)/dist/css/design-system.min.css.map $(DS_OUT)/css/
	cp $(DS_PKG)/dist/scripts/design-system.js $(DS_OUT)/scripts/
	cp -R $(DS_PKG)/dist/images $(DS_OUT)/images
	cp $(DS_PKG)/LICENSE.txt $(DS_OUT)/LICENSE.txt
	node -p "require('./$(DS_PKG)/package.json').version" > $(DS_OUT)/VERSION
