"""The model to pages: every page's path, address, template, context and key; embeds; what
publishing adds (sharing, feeds, sitemap, redirects). Pure: values in, values out."""
