"""Checks for notebook 07's exercises."""
__all__ = []
