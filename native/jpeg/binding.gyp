{
  "targets": [
    {
      "target_name": "jpeg_scaled",
      "sources": ["src/jpeg_scaled.c", "src/exif.c", "src/resample.c"],
      "libraries": ["-ljpeg", "-lm"],
      "cflags": ["-O3", "-std=c11", "-ffp-contract=off", "-Wall", "-Wextra"]
    }
  ]
}
