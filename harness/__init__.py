"""Reasoning-model benchmark harness: accuracy, speed, memory and energy side by side.

Importing this package imports no inference engine (torch, vLLM): backends and heavy
libraries are imported when a command needs them.
"""

__version__ = "0.1.0"
