"""Checks for notebook 08's exercises."""
__all__ = []
