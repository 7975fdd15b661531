from django.core.files.storage import FileSystemStorage, storages


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that have no public URL.

    Invoices are personal data; they leave the server only through views that
    check ownership. Asking for a URL is a programming error, so it fails loudly
    instead of producing a link that a misconfigured web server might serve.
    """

    def url(self, name):
        raise NotImplementedError("Private files have no URL; stream them through an owner-checked view.")


def invoice_storage():
    """The storage for invoice PDFs (``STORAGES["invoices"]``), looked up at call time."""
    return storages["invoices"]
