"""The `comments` subcommands, one module each. Each module has `add(commands, beside)`,
which declares its parser and sets `run`, the function that carries it out and returns the
exit code. `beside` is the parent parser of the commands run beside a `comments up`."""
