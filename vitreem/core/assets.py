"""Browser libraries from the npm registry, served from this site like every other asset.

``package.json`` names them and ``package-lock.json`` pins them with their hashes; ``make
install`` (``npm ci``) puts them in ``node_modules/``. This finder offers ``collectstatic`` and
the development server the few files the pages load (``settings.NODE_ASSETS``, paths inside
``node_modules/``) under ``vendor/``, and nothing else of the packages.
"""

from pathlib import Path
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"


class NodeModulesFinder(BaseFinder):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.root = Path(settings.NODE_MODULES)
        self.files: list[str] = list(settings.NODE_ASSETS)
        self.storage = FileSystemStorage(location=self.root)
        setattr(self.storage, "prefix", PREFIX)  # noqa: B010  (read by collectstatic)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        missing = [name for name in self.files if not (self.root / name).is_file()]
        if not missing:
            return []
        return [
            checks.Warning(
                f"node_modules lacks {', '.join(missing)}: run `make install` (npm ci)",
                id="vitreem.W001",
            )
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False) -> str | None: ...
    @overload
    def find(self, path: str, find_all: Literal[True]) -> list[str]: ...
    def find(self, path: str, find_all: bool = False) -> str | list[str] | None:
        head, _sep, name = path.partition("/")
        found = None
        if head == PREFIX and name in self.files and (self.root / name).is_file():
            found = str(self.root / name)
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns: Any) -> Any:
        for name in self.files:
            if (self.root / name).is_file():
                yield name, self.storage
