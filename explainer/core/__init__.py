"""Leaves every stage may use: digests, atomic writes, the parallel map, where things are.

Nothing here imports anything else of the generator's."""
