"""`explainer import` and `explainer check`: articles read into blocks, turned into content
files, and compared with them. Never imported by the build."""
