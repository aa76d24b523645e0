"""Serving a private upload after the permission check: by nginx when it stands in front, else by Django.

With `PORTAL_X_ACCEL_REDIRECT_PREFIX` set (deploy/nginx/qatysu.conf: `/protected-uploads/`, an `internal`
location over MEDIA_ROOT), the view answers with an empty response naming the file in `X-Accel-Redirect`,
and nginx sends the file itself: a web thread is not held for the length of a slow download. The location is
`internal`, so nobody can fetch a file there without Django's answer sending them. Files kept in a bucket
(STORAGE_BUCKET) or any storage without a local path are streamed by Django as before.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse


def private_file_response(file, *, filename: str, content_type: str) -> HttpResponse:
    """A download of `file` (a FieldFile) as an attachment named `filename`."""
    prefix = settings.PORTAL_X_ACCEL_REDIRECT_PREFIX
    if prefix and isinstance(file.storage, FileSystemStorage):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
