#pragma once
// glibc's allocator controls (malloc_trim): not part of Swift's Glibc module.
#include <malloc.h>
