"""tunectl trainer: the container side of the trainer contract (see ../README.md)."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_STOPPED = 75
