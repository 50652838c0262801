# Helpers that give every project target the same shape.

set(ZP_WARNINGS -Wall -Wextra -Werror -Wno-unused-parameter)

# zp_library(<name> SOURCES ... DEPS ...) defines zp_<name> aliased as zp::<name>, with its public
# headers under libs/<name>/include.
function(zp_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(zp_${name} STATIC ${ARG_SOURCES})
  add_library(zp::${name} ALIAS zp_${name})
  target_include_directories(zp_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_compile_options(zp_${name} PRIVATE ${ZP_WARNINGS})
  target_link_libraries(zp_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# zp_executable(<name> SOURCES ... DEPS ...)
function(zp_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${ZP_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

# zp_embed_files(<target> NAMESPACE <ns> FUNCTION <fn> FILES ...) compiles the files into <target> as
# `std::vector<zp::core::EmbeddedFile> <ns>::<fn>()`, sorted by file name. Used for migrations and
# reference data, so that a binary never depends on the checkout it was built from.
function(zp_embed_files target)
  cmake_parse_arguments(ARG "" "NAMESPACE;FUNCTION" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${target}_${ARG_FUNCTION}_embedded.cc)
  string(REPLACE ";" "|" files "${ARG_FILES}")
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DNAMESPACE=${ARG_NAMESPACE} -DFUNCTION=${ARG_FUNCTION}
            -DFILES=${files} -P ${PROJECT_SOURCE_DIR}/cmake/ZpEmbed.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/cmake/ZpEmbed.cmake
    COMMENT "Embedding ${ARG_FUNCTION} into ${target}"
    VERBATIM)
  target_sources(${target} PRIVATE ${out})
  target_link_libraries(${target} PRIVATE zp::core)
endfunction()

# zp_service_library(<svc> SOURCES ... DEPS ... [LIBRARY_MIGRATIONS <lib>...]) defines zp_<svc>,
# aliased zp::<svc>: a service's logic as a library (its main, tests and benchmarks link it). Its
# migrations, services/<svc>/migrations/NNNN_*.sql, are embedded and served by the generated
#   absl::StatusOr<std::vector<zp::pg::Migration>> zp::<svc>::Migrations();   // "zp/<svc>/migrations.h"
# in order: the kit's (outbox, idempotency, audit), those of each LIBRARY_MIGRATIONS library
# (zp::<lib>::Migrations() of "zp/<lib>/<lib>.h"), then the service's own.
function(zp_service_library svc)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LIBRARY_MIGRATIONS" ${ARGN})
  zp_library(${svc} SOURCES ${ARG_SOURCES} DEPS ${ARG_DEPS} zp::service)
  target_include_directories(zp_${svc} PUBLIC ${PROJECT_SOURCE_DIR})
  file(GLOB migration_files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql)
  zp_embed_files(zp_${svc} NAMESPACE zp::${svc} FUNCTION MigrationFiles FILES ${migration_files})
  set(SVC ${svc})
  set(LIBRARY_INCLUDES "")
  set(LIBRARY_CALLS "")
  foreach(lib IN LISTS ARG_LIBRARY_MIGRATIONS)
    string(APPEND LIBRARY_INCLUDES "#include \"zp/${lib}/${lib}.h\"\n")
    string(APPEND LIBRARY_CALLS "zp::${lib}::Migrations(), ")
  endforeach()
  set(generated ${CMAKE_CURRENT_BINARY_DIR}/generated)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/service_migrations.h.in
                 ${generated}/zp/${svc}/migrations.h @ONLY)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/service_migrations.cc.in
                 ${generated}/${svc}_migrations.cc @ONLY)
  target_sources(zp_${svc} PRIVATE ${generated}/${svc}_migrations.cc)
  target_include_directories(zp_${svc} PUBLIC ${generated})
endfunction()

# zp_service(<svc>) defines the service's binary zp-<svc> from its main.cc.
function(zp_service svc)
  zp_executable(zp-${svc} SOURCES main.cc DEPS zp::${svc} zp::service)
endfunction()
