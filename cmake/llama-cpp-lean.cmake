# Included right after llama.cpp's project() when llama-cpp-python is built (CMAKE_PROJECT_llama.cpp_INCLUDE,
# set by the Makefile). llama-cpp-python forces llama.cpp's `common` library on (a cache entry with FORCE), but
# its Python package never loads libllama-common: a normal variable of the same name shadows the cache entry
# in llama.cpp's directory, so common, cpp-httplib and the chat parsers are not compiled (about half of the
# build's CPU time). The libraries llama_cpp loads (libllama, libggml*) are built exactly as before.
set(LLAMA_BUILD_COMMON OFF)
