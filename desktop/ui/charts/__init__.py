"""pyqtgraph charts: price (line or candles, volume), relative performance, spread / ratio with alert levels."""
