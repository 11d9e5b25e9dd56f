/* Encoding and decoding of storage records: CRC-32C, the growable batch
 * writer with record frames, the bounds-checked reader, and frame checks. */
#include <pthread.h>
#include <string.h>

#include "record.h"

/* ---- CRC-32C, slicing by 8 over tables built once ------------------------------ */

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xff];
}

uint32_t otto__crc32c(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&crc_once, crc_init);
    const unsigned char *p = data;
    crc = ~crc;
    while (n >= 8) {
        uint32_t lo = crc ^ otto__le32(p), hi = otto__le32(p + 4);
        crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
              crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
              crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
              crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc >> 8) ^ crc_table[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

/* ---- little-endian helpers -------------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

uint32_t otto__le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- writing ------------------------------------------------------------------------ */

void otto__wbuf_init(otto__wbuf *b, const otto_allocator *a)
{
    memset(b, 0, sizeof *b);
    b->a = a;
}

void otto__wbuf_free(otto__wbuf *b)
{
    otto__free(b->a, b->p);
    otto__wbuf_init(b, b->a);
}

static unsigned char *grow(otto__wbuf *b, size_t k)
{
    if (b->failed)
        return NULL;
    if (b->n + k > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + k)
            cap *= 2;
        unsigned char *p = otto__realloc(b->a, b->p, cap);
        if (!p) {
            b->failed = 1;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    unsigned char *at = b->p + b->n;
    b->n += k;
    return at;
}

void otto__wbuf_append(otto__wbuf *b, const void *p, size_t n)
{
    unsigned char *at = grow(b, n);
    if (at)
        memcpy(at, p, n);
}

void otto__rec_begin(otto__wbuf *b, otto__op op, uint32_t study)
{
    b->rec = b->n;
    if (grow(b, OTTO__FRAME_SIZE)) {
        otto__rec_u8(b, (unsigned)op);
        otto__rec_u32(b, study);
    }
}

void otto__rec_u8(otto__wbuf *b, unsigned v)
{
    unsigned char *p = grow(b, 1);
    if (p)
        *p = (unsigned char)v;
}

void otto__rec_u32(otto__wbuf *b, uint32_t v)
{
    unsigned char *p = grow(b, 4);
    if (p)
        put32(p, v);
}

void otto__rec_u64(otto__wbuf *b, uint64_t v)
{
    unsigned char *p = grow(b, 8);
    if (p) {
        put32(p, (uint32_t)v);
        put32(p + 4, (uint32_t)(v >> 32));
    }
}

void otto__rec_f64(otto__wbuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    otto__rec_u64(b, u);
}

void otto__rec_str(otto__wbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > OTTO__STRING_MAX) {
        b->failed = 1;
        return;
    }
    otto__rec_u32(b, (uint32_t)n);
    unsigned char *p = grow(b, n);
    if (p)
        memcpy(p, s, n);
}

void otto__rec_end(otto__wbuf *b)
{
    if (b->failed)
        return;
    size_t len = b->n - b->rec - OTTO__FRAME_SIZE;
    if (len > OTTO__RECORD_MAX) {
        b->failed = 1;
        return;
    }
    unsigned char *f = b->p + b->rec;
    put32(f, (uint32_t)len);
    put32(f + 4, otto__crc32c(0, f + OTTO__FRAME_SIZE, len));
    put32(f + 8, otto__crc32c(0, f, 8) ^ OTTO__FRAME_SEED);
}

/* ---- reading ------------------------------------------------------------------------ */

void otto__rbuf_init(otto__rbuf *r, const void *p, size_t n)
{
    r->p = p;
    r->n = n;
    r->off = 0;
    r->bad = 0;
}

static const unsigned char *take(otto__rbuf *r, size_t k)
{
    if (r->bad || r->n - r->off < k) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->off;
    r->off += k;
    return p;
}

unsigned otto__get_u8(otto__rbuf *r)
{
    const unsigned char *p = take(r, 1);
    return p ? *p : 0;
}

uint32_t otto__get_u32(otto__rbuf *r)
{
    const unsigned char *p = take(r, 4);
    return p ? otto__le32(p) : 0;
}

uint64_t otto__get_u64(otto__rbuf *r)
{
    const unsigned char *p = take(r, 8);
    return p ? (uint64_t)otto__le32(p) | (uint64_t)otto__le32(p + 4) << 32 : 0;
}

double otto__get_f64(otto__rbuf *r)
{
    uint64_t u = otto__get_u64(r);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

const char *otto__get_str(otto__rbuf *r, char *tmp, size_t tmp_cap, const otto_allocator *a,
                          char **owned)
{
    *owned = NULL;
    uint32_t n = otto__get_u32(r);
    if (n > OTTO__STRING_MAX)
        r->bad = 1;
    const unsigned char *p = take(r, n);
    /* otto writes only UTF-8 (limits.h): anything else is a damaged record */
    if (!p || memchr(p, 0, n) || otto__utf8_valid_prefix((const char *)p, n) != n) {
        r->bad = 1;
        return NULL;
    }
    char *dst = tmp;
    if ((size_t)n + 1 > tmp_cap) {
        dst = *owned = otto__malloc(a, (size_t)n + 1);
        if (!dst)
            return NULL; /* caller reports ENOMEM (r->bad stays 0) */
    }
    memcpy(dst, p, n);
    dst[n] = 0;
    return dst;
}

otto__frame_check otto__frame_check_at(const unsigned char *p, size_t n, uint32_t *len)
{
    if (n < OTTO__FRAME_SIZE) {
        for (size_t i = 0; i < n; i++)
            if (p[i])
                return OTTO__FRAME_INCOMPLETE;
        return n ? OTTO__FRAME_ZERO : OTTO__FRAME_INCOMPLETE;
    }
    if ((otto__crc32c(0, p, 8) ^ OTTO__FRAME_SEED) != otto__le32(p + 8)) {
        for (size_t i = 0; i < n; i++)
            if (p[i])
                return OTTO__FRAME_BAD;
        return OTTO__FRAME_ZERO;
    }
    uint32_t l = otto__le32(p);
    if (l > OTTO__RECORD_MAX)
        return OTTO__FRAME_BAD;
    if (n - OTTO__FRAME_SIZE < l)
        return OTTO__FRAME_INCOMPLETE;
    if (otto__crc32c(0, p + OTTO__FRAME_SIZE, l) != otto__le32(p + 4))
        return OTTO__FRAME_BAD;
    *len = l;
    return OTTO__FRAME_OK;
}

int otto__directions_decode(const unsigned char *bytes, size_t n, const otto_allocator *a,
                            otto_direction **out)
{
    *out = NULL;
    if (n < 1 || !bytes)
        return OTTO_ECORRUPT;
    for (size_t k = 0; k < n; k++)
        if (bytes[k] != OTTO_MINIMIZE && bytes[k] != OTTO_MAXIMIZE)
            return OTTO_ECORRUPT;
    otto_direction *d = otto__calloc(a, n, sizeof *d);
    if (!d)
        return OTTO_ENOMEM;
    for (size_t k = 0; k < n; k++)
        d[k] = (otto_direction)bytes[k];
    *out = d;
    return OTTO_OK;
}
