#!/bin/bash
# fuzz_corpus.sh - every libFuzzer harness (tests/fuzz) runs over its seed
# corpus without a crash, leak or sanitizer report, so that the harnesses
# and the parsers they drive cannot rot. Each seed runs once, without
# mutation; a failure names the reproducer (tests/fuzz/README).

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
exec sh tests/fuzz/run corpus
