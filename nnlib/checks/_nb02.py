"""Checks for notebook 02's exercises."""
__all__ = []
