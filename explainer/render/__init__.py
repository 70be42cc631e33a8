"""Pages to bytes: Jinja templates, the feed and sitemap, social images."""
