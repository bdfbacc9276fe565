"""The shipped configuration: SLO specs (slos/*.yaml) and the game catalog (games.yaml), as package data.

Read through importlib.resources by spinscope.config_files, never by a path relative to the checkout.
"""
