"""Code pages: everything known about one code, gathered from every installed capability."""
