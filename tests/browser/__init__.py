"""Browser tests: headless Chromium (Debian's) against a live server on loopback."""
