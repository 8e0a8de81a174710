/*
 * mkl_intel_path.c: makes PyTorch's MKL take on any x86-64 CPU the code path it takes on an Intel CPU
 * with the same instruction sets (bench/torch_reference.py --mkl-code-path intel, the default).
 *
 * MKL chooses its kernels by the CPU's vendor as well as by its instruction sets: on a CPU that is not
 * Intel's it runs a generic path. Measured on an AMD EPYC (Zen 5, AVX-512): torch's 2048³ matmul on one
 * thread at 81 GFLOP/s stock and 193 GFLOP/s through this file, so the stock peer is slower than on an
 * Intel core of the same width, and a ratio against it would depend on who made the CPU. Its vendor
 * test is this one function, which libtorch_cpu exports; preloading this definition answers it as an
 * Intel CPU does. The instruction sets MKL then uses still come from CPUID, so a CPU without AVX-512
 * gets MKL's AVX2 kernels, as an Intel CPU without AVX-512 would.
 *
 * Built and preloaded by the script: cc -shared -fPIC -O2 -o <tmp>/libmkl_intel_path.so mkl_intel_path.c
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
