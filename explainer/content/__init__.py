"""What an editor writes, read and checked: files judged and read, YAML parsed with its marks,
the schema and the rules it cannot say, section kinds, the frozen model, Markdown, slugs, the
reader's language."""
