#!/bin/sh
# run-fuzz.sh NAME SECONDS: build tests/fuzz/NAME.c with clang's libFuzzer,
# ASan and UBSan into the build tree and fuzz for SECONDS from a fixed seed
# (so a run is repeatable). Exit status 0 when no crash, leak or failed
# check was found. Used by meson's 'fuzz' suite; needs clang.
set -eu
name=$1
seconds=$2
src=${KEEL_SOURCE_DIR:?}
out=${KEEL_BUILD_DIR:?}/tests/fuzz
mkdir -p "$out/$name-corpus"

case "$name" in
fuzz-json) units="$src/qobject/[a-z]*.c $src/util/error.c" ;;
fuzz-opts) units="$src/util/opts.c $src/util/cutils.c $src/util/error.c" ;;
fuzz-qcow2-open) units="$(ls "$src"/block/qcow2*.c | grep -v qcow2-create) $src/util/iov.c
    $src/util/error.c $src/util/opts.c $src/util/cutils.c
    $src/qobject/[a-z]*.c -lz" ;;
*) echo "run-fuzz: unknown target $name" >&2; exit 2 ;;
esac

# shellcheck disable=SC2086
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/include" -I"$KEEL_BUILD_DIR" $(pkg-config --cflags glib-2.0) \
    "$src/tests/fuzz/$name.c" $units $(pkg-config --libs glib-2.0) -lm \
    -o "$out/$name"
cd "$out"
exec "./$name" -seed=1 -max_total_time="$seconds" -max_len=4096 \
    -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
    -artifact_prefix="$out/$name-" "$name-corpus"
