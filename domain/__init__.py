"""The rules of the home-office bot: plain data and functions, no SDK imports."""
