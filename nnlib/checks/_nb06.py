"""Checks for notebook 06's exercises."""
__all__ = []
