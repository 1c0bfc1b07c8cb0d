"""Media library internals: validation and decoding of imported files, thumbnails,
background removal and the library's settings. Orchestration lives in
services/media_library.py."""
