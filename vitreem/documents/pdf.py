"""PDF through LibreOffice, where it is installed (`soffice --headless --convert-to pdf`)."""

import shutil
import subprocess
import tempfile
from pathlib import Path


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes | None:
    """The PDF of a Word document, or None when LibreOffice is not installed."""
    binary = libreoffice()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="vitreem-pdf-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        # A profile of its own, so that conversions never wait on a desktop session's lock.
        profile = f"-env:UserInstallation=file://{work / 'profile'}"
        subprocess.run(  # noqa: S603  (fixed arguments, no shell)
            [
                binary,
                profile,
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        return (work / "document.pdf").read_bytes()
