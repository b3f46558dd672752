// Node starting and exiting with nothing to do: the floor under every other row.
