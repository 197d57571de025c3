"""The Teams app package: manifest template, localization, icons and the package command."""
