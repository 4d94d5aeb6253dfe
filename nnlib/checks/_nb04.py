"""Checks for notebook 04's exercises."""
__all__ = []
