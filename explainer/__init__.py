"""Static Q&A explainer sites for newsrooms, built from one YAML file per explainer."""
