# Every dependency comes from a Debian 12 package listed in deploy/debian-packages.txt.
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
pkg_check_modules(LIBJWT REQUIRED IMPORTED_TARGET libjwt)
pkg_check_modules(LIBMAGIC REQUIRED IMPORTED_TARGET libmagic)

# google/api protos from golang-github-grpc-ecosystem-grpc-gateway-dev; google/rpc protos from
# golang-github-gogo-googleapis-dev, whose error_details.proto has google.rpc.ErrorInfo (the
# grpc-gateway copy predates it). Both are compiled from the packages, never copied.
find_path(ZP_GOOGLEAPIS_DIR google/api/http.proto
  PATHS /usr/share/gocode/src/github.com/grpc-ecosystem/grpc-gateway/third_party/googleapis
  NO_DEFAULT_PATH REQUIRED)
find_path(ZP_GOOGLE_RPC_DIR google/rpc/error_details.proto
  PATHS /usr/share/gocode/src/github.com/gogo/googleapis
  NO_DEFAULT_PATH REQUIRED)
