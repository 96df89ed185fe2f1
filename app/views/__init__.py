"""Thin widgets: they lay out models and forward user intent to app.actions."""
