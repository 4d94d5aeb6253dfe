"""Checks for notebook 09's exercises."""
__all__ = []
