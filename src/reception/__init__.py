"""Reception: an open, self-hostable film review aggregator."""

__version__ = "0.1.0"
