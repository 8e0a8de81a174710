#pragma once
#include <stddef.h>
/// Registers the Zstandard HDF5 filter (id 32015, level in cd_values[0]). Returns 0 on success.
int spf_h5zstd_register(void);
