"""Package data: bundled replay data, icons, style sheets (this folder installs as desktop.resources)."""
