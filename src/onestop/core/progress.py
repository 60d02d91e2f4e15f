"""Progress bars of long management commands, and the callback type of the functions
behind them.

A library function that takes a long time accepts an optional `ProgressCallback` and
calls it with the count of units done and the total. A command turns that callback into
a bar with `progress_bar`. The bar is drawn on standard error and only when standard
error is a terminal, so that piped output (`| head`), tests and logs receive the
command's result lines alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

# Called as progress(done, total) after each unit of work, with done rising to total.
ProgressCallback = Callable[[int, int], None]


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressCallback]:
    """Draw a bar labelled `description` while the block runs; yield its callback.

    The bar shows done/total as the callback reports them, and the total may change
    between calls. The finished bar stays on the terminal above the command's result.
    Nothing is drawn unless standard error is a terminal.
    """
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance
