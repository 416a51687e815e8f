"""Object storage: the filesystem under .data/media by default, any S3 API when S3_BUCKET is set."""

from __future__ import annotations

from .env import DATA_DIR, env_int, env_str

MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
S3_BUCKET = env_str("S3_BUCKET")
S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL")
S3_REGION = env_str("S3_REGION", "us-east-1")
S3_ACCESS_KEY_ID = env_str("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env_str("S3_SECRET_ACCESS_KEY")
STORAGE_BACKEND = "s3" if S3_BUCKET else "filesystem"
# Largest document upload (services/storage/uploads.py); the size is checked while the file streams in.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
