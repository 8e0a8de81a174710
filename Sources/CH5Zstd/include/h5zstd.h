#pragma once
#include <stddef.h>
#include <stdint.h>
#include <hdf5.h>

/// The registered HDF5 filter id of Zstandard (HDF Group registry; hdf5plugin and netCDF-C use it).
#define SPF_H5Z_FILTER_ZSTD 32015

/// Registers the Zstandard HDF5 filter (id 32015, level in cd_values[0], negative levels in two's
/// complement, one zstd frame with content size per chunk). Idempotent. Returns 0 on success.
int spf_h5zstd_register(void);

/// Adds byte shuffle (when `shuffle` != 0) and zstd at `level` to a dataset creation property list,
/// both OPTIONAL like hdf5plugin writes them. Returns 0 on success.
int spf_h5_set_shuffle_zstd(hid_t dcpl, int shuffle, int level);

/// Byte-plane transpose as HDF5's shuffle filter does it: byte b of element i goes to b*nelem + i.
/// `src` and `dst` hold nelem*elsize bytes and must not overlap.
void spf_shuffle(const void *src, void *dst, size_t nelem, size_t elsize);

/// Inverse of spf_shuffle. `src` and `dst` must not overlap.
void spf_unshuffle(const void *src, void *dst, size_t nelem, size_t elsize);

/// Worst-case compressed size of `n` bytes (ZSTD_compressBound).
size_t spf_zstd_bound(size_t n);

/// Compresses `n` bytes into one zstd frame that records its content size (what hdf5plugin needs),
/// using a per-thread compression context. Returns the frame size, or 0 on error.
size_t spf_zstd_compress_chunk(const void *src, size_t n, void *dst, size_t capacity, int level);

/// Decompresses one zstd frame of `n` bytes into `dst` (capacity bytes), using a per-thread context.
/// Returns the decompressed size, or (size_t)-1 on error.
size_t spf_zstd_decompress_chunk(const void *src, size_t n, void *dst, size_t capacity);

/// Clamps a zstd level to what the linked libzstd accepts.
int spf_zstd_clamp_level(int level);

/// HDF5 native type ids (the H5T_NATIVE_* macros do not import into Swift).
hid_t spf_h5t_native_float(void);
hid_t spf_h5t_native_double(void);
hid_t spf_h5t_native_int32(void);
hid_t spf_h5t_native_int64(void);
hid_t spf_h5t_native_uint8(void);
hid_t spf_h5t_c_s1(void);
/// Property list classes (the H5P_* class macros do not import into Swift).
hid_t spf_h5p_dataset_create(void);
hid_t spf_h5p_file_access(void);
hid_t spf_h5p_file_create(void);
/// File access flags (the H5F_ACC_* macros do not import into Swift).
unsigned spf_h5f_acc_rdonly(void);
unsigned spf_h5f_acc_trunc(void);
unsigned spf_h5f_acc_excl(void);
