"""The shipped configuration: SLO specs (slos/*.yaml), the game catalog (games.yaml) and the currency
scales (currencies.yaml), as package data.

Read through importlib.resources by spinscope.config_files, never by a path relative to the checkout.
"""
