"""codekit's data: the packaged datasets (files in this folder) and data-pack management."""
