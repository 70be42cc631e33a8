"""The output folder: the record of what a build wrote, what must be rebuilt, writing, the swap
of a finished tree into place, and the lock that keeps a second build out."""
