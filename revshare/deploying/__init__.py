"""Deploying: the YAML config (`config`, `yaml_file`), the resumable deployment (`deploy`), its
record (`record`) and block-explorer verification artifacts (`verification`)."""
