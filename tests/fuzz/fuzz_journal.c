/* libFuzzer target for the journal reader: the input becomes a journal file
 * (first byte 0: the bytes as they are; 1: after a valid file header; 2: a
 * list of u16-length-prefixed payloads framed with valid checksums, which
 * reaches the record decoder). The harness loads every study in it, asks
 * and tells once, and checks that each call ends in a documented status. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <otto/otto.h>

#include "storage/record.h"

static char path[256];

static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    static const unsigned char header[16] = {'O', 'T', 'T', 'O', 'J', 'R', 'N', 'L',
                                             1,   0,   0,   0,   0,   0,   0,   0};
    unsigned char h[16];
    memcpy(h, header, 16);
    uint32_t c = otto__crc32c(0, h, 12);
    for (int i = 0; i < 4; i++)
        h[12 + i] = (unsigned char)(c >> (8 * i));
    int mode = size ? data[0] % 3 : 0;
    if (size)
        data++, size--;
    if (mode >= 1)
        fwrite(h, 1, 16, f);
    if (mode <= 1) {
        fwrite(data, 1, size, f);
    } else {
        while (size >= 2) {
            size_t len = (size_t)data[0] | (size_t)data[1] << 8;
            data += 2, size -= 2;
            if (len > size)
                len = size;
            unsigned char fr[12];
            uint32_t n = (uint32_t)len, pc = otto__crc32c(0, data, len);
            for (int i = 0; i < 4; i++) {
                fr[i] = (unsigned char)(n >> (8 * i));
                fr[4 + i] = (unsigned char)(pc >> (8 * i));
            }
            uint32_t hc = otto__crc32c(0, fr, 8) ^ OTTO__FRAME_SEED;
            for (int i = 0; i < 4; i++)
                fr[8 + i] = (unsigned char)(hc >> (8 * i));
            fwrite(fr, 1, 12, f);
            fwrite(data, 1, len, f);
            data += len, size -= len;
        }
    }
    fclose(f);
}

static void check(int rc, int allowed)
{
    if (rc != OTTO_OK && rc != OTTO_ECORRUPT && rc != allowed) {
        fprintf(stderr, "unexpected status %s: %s\n", otto_status_name(rc),
                otto_last_error_message());
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/otto-fuzz-%ld.journal", (long)getpid());
    write_input(data, size);
    otto_storage_options o;
    otto_storage_options_init(&o);
    o.sync = OTTO_SYNC_NONE;
    otto_storage *st;
    int rc = otto_storage_journal_open(path, &o, &st);
    check(rc, OTTO_OK);
    if (rc)
        return 0;
    const char *names[8];
    size_t n = 0;
    rc = otto_storage_study_names(st, names, 8, &n);
    check(rc, OTTO_OK);
    for (size_t i = 0; !rc && i < n && i < 8; i++) {
        otto_study_options so;
        otto_study_options_init(&so);
        so.name = names[i];
        so.storage = st;
        so.open_mode = OTTO_OPEN_LOAD;
        so.seed = 1;
        otto_study *s;
        int r2 = otto_study_create(&so, &s);
        check(r2, OTTO_ENOTFOUND);
        if (r2)
            continue;
        size_t count = otto_study_trial_count(s);
        for (size_t k = 0; k < count; k++) {
            const otto_trial *t;
            if (otto_study_trial(s, (int64_t)k, &t) == OTTO_OK)
                (void)otto_trial_param_count(t);
        }
        otto_trial *t;
        r2 = otto_study_ask(s, &t);
        check(r2, OTTO_EDIST);
        if (!r2) {
            double x = 0;
            check(otto_trial_suggest_float(t, "x", 0, 1, 0, 0, &x), OTTO_EDIST);
            check(otto_study_tell(s, t, OTTO_TRIAL_COMPLETE, &x, 1), OTTO_EINVAL);
        }
        otto_study_destroy(s);
    }
    otto_storage_close(st);
    return 0;
}
