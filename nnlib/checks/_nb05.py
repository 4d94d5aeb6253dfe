"""Checks for notebook 05's exercises."""
__all__ = []
