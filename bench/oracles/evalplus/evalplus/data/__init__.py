"""evalplus.data, reduced to what the oracle needs."""
