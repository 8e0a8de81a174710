#pragma once
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, LLVM 11 and later) for programs that keep their own main:
/// SwiftPM links an executable target's entry point as `<Target>_main`, so the targets start the
/// fuzzer from there instead of taking libFuzzer's main.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
