"""`explainer serve`: the preview, which builds into a folder of its own with the same stages."""
