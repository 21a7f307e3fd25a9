"""The web layer: templating, translations, security, errors, and one blueprint per audience."""
