"""spinscope: observability and KPI analytics for slot-game servers."""

__version__ = "0.1.0"
