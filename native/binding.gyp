{
  "targets": [
    {
      "target_name": "graft_mpi",
      "sources": ["src/addon.cc", "src/buffer.cc", "src/crc32c.cc", "src/direct-read.cc", "src/engine.cc", "src/operations.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "cflags_cc": ["<!@(node ../scripts/build-native.mjs --print cflags)"],
      "libraries": ["<!@(node ../scripts/build-native.mjs --print libs)"],
      "defines": ["NAPI_VERSION=8", "OMPI_SKIP_MPICXX", "MPICH_SKIP_MPICXX", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags": ["-O2", "-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-missing-field-initializers"]
    }
  ]
}
