// The Zstandard HDF5 filter (registered id 32015) and the chunk codec helpers of spfflow's store.
// Format: one complete zstd frame per chunk, with the content size in the frame header, which is
// what hdf5plugin and netCDF-C write and read. cd_values[0] is the level (two's complement if < 0).
#include "h5zstd.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

static const char spf_zstd_filter_name[] = "Zstandard (spfflow); HDF5 registered filter 32015";

int spf_zstd_clamp_level(int level) {
    int lo = ZSTD_minCLevel(), hi = ZSTD_maxCLevel();
    if (level < lo) return lo;
    if (level > hi) return hi;
    return level;
}

// Per-thread contexts, freed when the thread exits.
static pthread_once_t spf_keys_once = PTHREAD_ONCE_INIT;
static pthread_key_t spf_cctx_key, spf_dctx_key;
static void spf_free_cctx(void *p) { ZSTD_freeCCtx((ZSTD_CCtx *)p); }
static void spf_free_dctx(void *p) { ZSTD_freeDCtx((ZSTD_DCtx *)p); }
static void spf_make_keys(void) {
    pthread_key_create(&spf_cctx_key, spf_free_cctx);
    pthread_key_create(&spf_dctx_key, spf_free_dctx);
}
static ZSTD_CCtx *spf_thread_cctx(void) {
    pthread_once(&spf_keys_once, spf_make_keys);
    ZSTD_CCtx *c = (ZSTD_CCtx *)pthread_getspecific(spf_cctx_key);
    if (!c) { c = ZSTD_createCCtx(); if (c) pthread_setspecific(spf_cctx_key, c); }
    return c;
}
static ZSTD_DCtx *spf_thread_dctx(void) {
    pthread_once(&spf_keys_once, spf_make_keys);
    ZSTD_DCtx *d = (ZSTD_DCtx *)pthread_getspecific(spf_dctx_key);
    if (!d) { d = ZSTD_createDCtx(); if (d) pthread_setspecific(spf_dctx_key, d); }
    return d;
}

size_t spf_zstd_bound(size_t n) { return ZSTD_compressBound(n); }

size_t spf_zstd_compress_chunk(const void *src, size_t n, void *dst, size_t capacity, int level) {
    ZSTD_CCtx *c = spf_thread_cctx();
    if (!c) return 0;
    // ZSTD_compressCCtx writes a single frame with the content size field set.
    size_t r = ZSTD_compressCCtx(c, dst, capacity, src, n, spf_zstd_clamp_level(level));
    return ZSTD_isError(r) ? 0 : r;
}

size_t spf_zstd_decompress_chunk(const void *src, size_t n, void *dst, size_t capacity) {
    ZSTD_DCtx *d = spf_thread_dctx();
    if (!d) return (size_t)-1;
    size_t r = ZSTD_decompressDCtx(d, dst, capacity, src, n);
    return ZSTD_isError(r) ? (size_t)-1 : r;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SPF_HAVE_X86 1

// 4-byte shuffle of 16 elements per step: group each vector's bytes by plane (pshufb), then a 4x4
// transpose of 32-bit words puts 16 bytes of each plane together.
__attribute__((target("ssse3")))
static size_t spf_shuffle4_ssse3(const unsigned char *s, unsigned char *d, size_t nelem) {
    const __m128i group = _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    size_t i = 0;
    for (; i + 16 <= nelem; i += 16) {
        __m128i x0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 4 * i)), group);
        __m128i x1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 4 * i + 16)), group);
        __m128i x2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 4 * i + 32)), group);
        __m128i x3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(s + 4 * i + 48)), group);
        __m128i t0 = _mm_unpacklo_epi32(x0, x1), t1 = _mm_unpackhi_epi32(x0, x1);
        __m128i t2 = _mm_unpacklo_epi32(x2, x3), t3 = _mm_unpackhi_epi32(x2, x3);
        _mm_storeu_si128((__m128i *)(d + i), _mm_unpacklo_epi64(t0, t2));
        _mm_storeu_si128((__m128i *)(d + nelem + i), _mm_unpackhi_epi64(t0, t2));
        _mm_storeu_si128((__m128i *)(d + 2 * nelem + i), _mm_unpacklo_epi64(t1, t3));
        _mm_storeu_si128((__m128i *)(d + 3 * nelem + i), _mm_unpackhi_epi64(t1, t3));
    }
    return i;
}

// 4-byte unshuffle of 16 elements per step: interleave the four planes with byte and word unpacks.
static size_t spf_unshuffle4_sse2(const unsigned char *s, unsigned char *d, size_t nelem) {
    size_t i = 0;
    for (; i + 16 <= nelem; i += 16) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + nelem + i));
        __m128i c = _mm_loadu_si128((const __m128i *)(s + 2 * nelem + i));
        __m128i e = _mm_loadu_si128((const __m128i *)(s + 3 * nelem + i));
        __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
        __m128i ce_lo = _mm_unpacklo_epi8(c, e), ce_hi = _mm_unpackhi_epi8(c, e);
        _mm_storeu_si128((__m128i *)(d + 4 * i), _mm_unpacklo_epi16(ab_lo, ce_lo));
        _mm_storeu_si128((__m128i *)(d + 4 * i + 16), _mm_unpackhi_epi16(ab_lo, ce_lo));
        _mm_storeu_si128((__m128i *)(d + 4 * i + 32), _mm_unpacklo_epi16(ab_hi, ce_hi));
        _mm_storeu_si128((__m128i *)(d + 4 * i + 48), _mm_unpackhi_epi16(ab_hi, ce_hi));
    }
    return i;
}

// 8-byte unshuffle of 16 elements per step: three rounds of unpacks over eight planes.
static size_t spf_unshuffle8_sse2(const unsigned char *s, unsigned char *d, size_t nelem) {
    size_t i = 0;
    for (; i + 16 <= nelem; i += 16) {
        __m128i p[8], q[8], r[8];
        for (int b = 0; b < 8; b++) p[b] = _mm_loadu_si128((const __m128i *)(s + b * nelem + i));
        for (int b = 0; b < 4; b++) {
            q[2 * b] = _mm_unpacklo_epi8(p[2 * b], p[2 * b + 1]);
            q[2 * b + 1] = _mm_unpackhi_epi8(p[2 * b], p[2 * b + 1]);
        }
        // q[0]/q[1]: planes 0,1 for elements 0-7 / 8-15; q[2]/q[3]: planes 2,3; ...
        r[0] = _mm_unpacklo_epi16(q[0], q[2]); r[1] = _mm_unpackhi_epi16(q[0], q[2]);
        r[2] = _mm_unpacklo_epi16(q[1], q[3]); r[3] = _mm_unpackhi_epi16(q[1], q[3]);
        r[4] = _mm_unpacklo_epi16(q[4], q[6]); r[5] = _mm_unpackhi_epi16(q[4], q[6]);
        r[6] = _mm_unpacklo_epi16(q[5], q[7]); r[7] = _mm_unpackhi_epi16(q[5], q[7]);
        // r[k] (k<4) holds bytes 0-3 of 4 elements; r[k+4] bytes 4-7 of the same elements.
        for (int k = 0; k < 4; k++) {
            _mm_storeu_si128((__m128i *)(d + 8 * (i + 4 * k)), _mm_unpacklo_epi32(r[k], r[k + 4]));
            _mm_storeu_si128((__m128i *)(d + 8 * (i + 4 * k) + 16), _mm_unpackhi_epi32(r[k], r[k + 4]));
        }
    }
    return i;
}
#endif

void spf_shuffle(const void *src, void *dst, size_t nelem, size_t elsize) {
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = (unsigned char *)dst;
    size_t start = 0;
#ifdef SPF_HAVE_X86
    if (elsize == 4 && __builtin_cpu_supports("ssse3")) start = spf_shuffle4_ssse3(s, d, nelem);
#endif
    if (elsize == 4) {
        unsigned char *d0 = d, *d1 = d + nelem, *d2 = d + 2 * nelem, *d3 = d + 3 * nelem;
        for (size_t i = start; i < nelem; i++) {
            d0[i] = s[4 * i]; d1[i] = s[4 * i + 1]; d2[i] = s[4 * i + 2]; d3[i] = s[4 * i + 3];
        }
        return;
    }
    for (size_t b = 0; b < elsize; b++) {
        unsigned char *plane = d + b * nelem;
        for (size_t i = 0; i < nelem; i++) plane[i] = s[i * elsize + b];
    }
}

void spf_unshuffle(const void *src, void *dst, size_t nelem, size_t elsize) {
    const unsigned char *s = (const unsigned char *)src;
    unsigned char *d = (unsigned char *)dst;
    size_t start = 0;
#ifdef SPF_HAVE_X86
    if (elsize == 4) start = spf_unshuffle4_sse2(s, d, nelem);
    else if (elsize == 8) start = spf_unshuffle8_sse2(s, d, nelem);
#endif
    if (elsize == 4) {
        const unsigned char *s0 = s, *s1 = s + nelem, *s2 = s + 2 * nelem, *s3 = s + 3 * nelem;
        for (size_t i = start; i < nelem; i++) {
            d[4 * i] = s0[i]; d[4 * i + 1] = s1[i]; d[4 * i + 2] = s2[i]; d[4 * i + 3] = s3[i];
        }
        return;
    }
    for (size_t b = 0; b < elsize; b++) {
        const unsigned char *plane = s + b * nelem;
        for (size_t i = start; i < nelem; i++) d[i * elsize + b] = plane[i];
    }
}

// Decodes a frame whose header lacks the content size by streaming into a growing buffer.
static size_t spf_decode_streaming(const void *src, size_t n, void **out, size_t *out_size) {
    ZSTD_DCtx *d = spf_thread_dctx();
    if (!d) return 0;
    ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
    size_t cap = n * 4 + 4096;
    unsigned char *buf = (unsigned char *)H5allocate_memory(cap, 0);
    if (!buf) return 0;
    ZSTD_inBuffer in = { src, n, 0 };
    ZSTD_outBuffer o = { buf, cap, 0 };
    for (;;) {
        size_t r = ZSTD_decompressStream(d, &o, &in);
        if (ZSTD_isError(r)) { H5free_memory(buf); return 0; }
        if (r == 0) break;  // frame complete
        if (in.pos == in.size && o.pos < o.size) { H5free_memory(buf); return 0; }  // truncated
        if (o.pos == o.size) {
            size_t ncap = cap * 2;
            unsigned char *nb = (unsigned char *)H5allocate_memory(ncap, 0);
            if (!nb) { H5free_memory(buf); return 0; }
            memcpy(nb, buf, o.pos);
            H5free_memory(buf);
            buf = nb; cap = ncap; o.dst = buf; o.size = cap;
        }
    }
    *out = buf; *out_size = cap;
    return o.pos;
}

static size_t spf_zstd_filter(unsigned int flags, size_t cd_nelmts, const unsigned int cd_values[],
                              size_t nbytes, size_t *buf_size, void **buf) {
    if (flags & H5Z_FLAG_REVERSE) {
        unsigned long long content = ZSTD_getFrameContentSize(*buf, nbytes);
        if (content == ZSTD_CONTENTSIZE_ERROR) return 0;
        if (content == ZSTD_CONTENTSIZE_UNKNOWN) {
            void *out = NULL; size_t out_cap = 0;
            size_t got = spf_decode_streaming(*buf, nbytes, &out, &out_cap);
            if (got == 0) return 0;
            H5free_memory(*buf);
            *buf = out; *buf_size = out_cap;
            return got;
        }
        size_t cap = content > 0 ? (size_t)content : 1;
        void *out = H5allocate_memory(cap, 0);
        if (!out) return 0;
        size_t got = spf_zstd_decompress_chunk(*buf, nbytes, out, cap);
        if (got == (size_t)-1 || got != (size_t)content) { H5free_memory(out); return 0; }
        H5free_memory(*buf);
        *buf = out; *buf_size = cap;
        return got;
    }
    int level = cd_nelmts > 0 ? (int)cd_values[0] : ZSTD_CLEVEL_DEFAULT;
    size_t cap = ZSTD_compressBound(nbytes);
    void *out = H5allocate_memory(cap, 0);
    if (!out) return 0;
    size_t got = spf_zstd_compress_chunk(*buf, nbytes, out, cap, level);
    if (got == 0) { H5free_memory(out); return 0; }
    H5free_memory(*buf);
    *buf = out; *buf_size = cap;
    return got;
}

static const H5Z_class2_t spf_zstd_class = {
    H5Z_CLASS_T_VERS, (H5Z_filter_t)SPF_H5Z_FILTER_ZSTD, 1, 1, spf_zstd_filter_name,
    NULL, NULL, spf_zstd_filter,
};

int spf_h5zstd_register(void) {
    if (H5Zfilter_avail((H5Z_filter_t)SPF_H5Z_FILTER_ZSTD) > 0) return 0;
    return H5Zregister(&spf_zstd_class) < 0 ? -1 : 0;
}

int spf_h5_set_shuffle_zstd(hid_t dcpl, int shuffle, int level) {
    if (spf_h5zstd_register() != 0) return -1;
    if (shuffle && H5Pset_shuffle(dcpl) < 0) return -1;
    unsigned int cd[1] = { (unsigned int)level };
    return H5Pset_filter(dcpl, (H5Z_filter_t)SPF_H5Z_FILTER_ZSTD, H5Z_FLAG_OPTIONAL, 1, cd) < 0 ? -1 : 0;
}

hid_t spf_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t spf_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t spf_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t spf_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t spf_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t spf_h5t_c_s1(void) { return H5T_C_S1; }
hid_t spf_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
hid_t spf_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t spf_h5p_file_create(void) { return H5P_FILE_CREATE; }
unsigned spf_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned spf_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
unsigned spf_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
