"""Deploying: the YAML config (`config`, read by `yaml_file`), the resumable deployment
(`deploy`), its record (`record`), how a config differs from the chain (`differences`),
block-explorer verification artifacts (`verification`), and `ape run deploy` (`options`,
`command`)."""
