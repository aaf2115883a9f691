from dataclasses import dataclass

Path = tuple[str | int, ...]


def format_path(path: Path) -> str:
    """`("recommendations", 5, "actions", 2, "due")` -> `recommendations[5].actions[2].due`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text or "(top of the file)"


@dataclass(frozen=True, order=True)
class FileProblem:
    """One problem in a review file, with the place a person needs to find it."""

    line: int
    path: str
    message: str
    file_name: str = ""

    def __str__(self) -> str:
        where = f"{self.file_name}, " if self.file_name else ""
        return f"{where}line {self.line}: {self.path}: {self.message}"


class ReviewFileInvalid(Exception):
    """A review file broke the format. Nothing was written."""

    def __init__(self, problems: list[FileProblem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
