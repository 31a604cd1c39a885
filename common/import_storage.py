"""Where django-import-export keeps an uploaded file between the dry run and the confirm.

The library's default (``TempFolderStorage``) leaves the file in the system's temporary folder
until the import is confirmed: a dry run nobody confirms stays there for ever, and a confirm that
fails keeps it too. Our files hold full product keys, so this storage keeps them in a folder only
the portal's user may read, under names it made itself (a confirm form naming any other file is
refused), and removes every file older than ``MAX_AGE`` each time it saves one and when
``manage.py housekeeping`` runs. A temporary folder rather than the cache: a cache without Redis
is each process's own memory, and the confirm may reach another worker than the dry run did.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from django.core.exceptions import SuspiciousFileOperation
from import_export.tmp_storages import TempFolderStorage

FOLDER_NAME = "partnerbenefits-imports"
# How long a dry run can wait for its confirm; after that, staff upload the file again.
MAX_AGE = timedelta(hours=1)
NAME = re.compile(r"[0-9a-f]{32}")


def upload_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / FOLDER_NAME
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def remove_stale_uploads(*, older_than: timedelta = MAX_AGE) -> int:
    """Removes the stored uploads last written more than ``older_than`` ago; returns how many."""
    limit = time.time() - older_than.total_seconds()
    removed = 0
    for path in upload_folder().iterdir():
        try:
            if NAME.fullmatch(path.name) and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # a confirm or another sweep took it meanwhile
            continue
    return removed


class PrivateUploadStorage(TempFolderStorage):
    """django-import-export's temporary file storage, in a private folder with an age limit."""

    def save(self, data: bytes) -> None:
        remove_stale_uploads()
        self.name = uuid4().hex
        # Readable by the portal's user only, and never an existing file.
        descriptor = os.open(self.get_full_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)

    def remove(self) -> None:
        # Gone already (the sweep, or the other of two confirms): nothing is left to remove.
        Path(self.get_full_path()).unlink(missing_ok=True)

    def get_full_path(self) -> str:
        # The name comes back in the confirm form: only a name this storage made is accepted.
        if not isinstance(self.name, str) or not NAME.fullmatch(self.name):
            raise SuspiciousFileOperation("Not an uploaded file's name.")
        return str(upload_folder() / self.name)
