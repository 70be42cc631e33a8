"""Commands that write a project's own files: `new`, `theme` and `schema`."""
