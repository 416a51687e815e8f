"""Object storage: the filesystem under .data/media by default, any S3 API when S3_BUCKET is set."""

from __future__ import annotations

from .env import DATA_DIR, env_bool, env_int, env_str

MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_REGION = env_str("S3_REGION", "us-east-1")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
STORAGE_BACKEND = "s3" if S3_BUCKET else "filesystem"
# Downloads (after the permission check) redirect to a presigned URL valid for
# S3_DOWNLOAD_URL_EXPIRES seconds, so file bytes bypass the app servers. Only where browsers reach
# the store: S3_PUBLIC_ENDPOINT_URL when it is not S3_ENDPOINT_URL. Previews always stream (they
# carry this site's sandboxing headers).
S3_DOWNLOAD_REDIRECT = env_bool("S3_DOWNLOAD_REDIRECT", False)
S3_PUBLIC_ENDPOINT_URL = env_str("S3_PUBLIC_ENDPOINT_URL")
S3_DOWNLOAD_URL_EXPIRES = env_int("S3_DOWNLOAD_URL_EXPIRES", 60)
# Largest document upload (services/storage/uploads.py); the size is checked while the file streams in.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# Zip-based files (DOCX, XLSX) are refused before anything reads them when one part, or all parts
# together, would inflate past these (services/storage/unzip.py): a decompression bomb stops here.
UNZIP_MAX_ENTRY_BYTES = env_int("UNZIP_MAX_ENTRY_BYTES", 100 * 1024 * 1024)
UNZIP_MAX_TOTAL_BYTES = env_int("UNZIP_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
UNZIP_MAX_ENTRIES = env_int("UNZIP_MAX_ENTRIES", 10_000)
