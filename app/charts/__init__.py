"""pyqtgraph charts for the Savings page: each keeps its plot items and calls setData() from a
debounced timer, so a burst of traffic redraws once."""
