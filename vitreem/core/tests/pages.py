"""Reading a page as its user reads it, for the tests."""

import re


def table_rows(page: str) -> list[str]:
    """The rows of the page's first table body, each as its text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr\b[^>]*>(.*?)</tr>", body, re.S)
    ]
