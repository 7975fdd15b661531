import os
import tempfile

from django.core.files.storage import FileSystemStorage, storages
from django.utils._os import safe_makedirs


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that have no public URL, replaced atomically under a stable name.

    Invoices are personal data; they leave the server only through views that
    check ownership. Asking for a URL is a programming error, so it fails loudly
    instead of producing a link that a misconfigured web server might serve.

    Saving to an existing name overwrites it (``allow_overwrite`` defaults to
    True here): a PDF is a rendering of frozen data, so two renderings of one
    invoice are interchangeable and must not pile up as ``name_AbC123.pdf``
    copies. The new file is written next to the target and renamed over it, so
    a reader sees the old file or the new one, never a half-written one, and
    concurrent writers cannot interleave their bytes (Django's own overwrite
    truncates the file in place).
    """

    def __init__(self, *args, allow_overwrite=True, **kwargs):
        super().__init__(*args, allow_overwrite=allow_overwrite, **kwargs)

    def url(self, name):
        raise NotImplementedError("Private files have no URL; stream them through an owner-checked view.")

    def _save(self, name, content):
        if not self._allow_overwrite:
            return super()._save(name, content)
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        if self.directory_permissions_mode is not None:
            safe_makedirs(directory, self.directory_permissions_mode, exist_ok=True)
        else:
            os.makedirs(directory, exist_ok=True)

        # Same directory, so the rename stays on one file system and is atomic.
        fd, temp_path = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(full_path)}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk.encode() if isinstance(chunk, str) else chunk)
                handle.flush()
                os.fsync(handle.fileno())
            # mkstemp creates the file 0600, which stays if FILE_UPLOAD_PERMISSIONS is None.
            if self.file_permissions_mode is not None:
                os.chmod(temp_path, self.file_permissions_mode)
            os.replace(temp_path, full_path)
        except BaseException:
            try:
                os.remove(temp_path)
            except FileNotFoundError:
                pass
            raise
        self._ensure_location_group_id(full_path)
        return os.path.relpath(full_path, self.location).replace("\\", "/")


def invoice_storage():
    """The storage for invoice PDFs (``STORAGES["invoices"]``), looked up at call time."""
    return storages["invoices"]


def invoice_storage_check() -> None:
    """Readiness: the invoice storage can be reached (raises if not).

    On the file system the directory must exist (it is created on a fresh
    install, as the first save would) and be writable by this process;
    elsewhere (S3) asking for one object's existence is one cheap request
    that fails when the bucket, the credentials or the network do.
    """
    storage = invoice_storage()
    if isinstance(storage, FileSystemStorage):
        os.makedirs(storage.location, exist_ok=True)
        if not os.access(storage.location, os.W_OK | os.X_OK):
            raise PermissionError(f"invoice storage directory not writable: {storage.location}")
    else:
        storage.exists("readyz-probe")
