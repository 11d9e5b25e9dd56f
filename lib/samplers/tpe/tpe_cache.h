/* What TPE keeps across asks, per parameter: the unit coordinate of every
 * finished trial's value (by view index) and those coordinates in sorted
 * order, so an ask neither re-reads every trial's params nor sorts them
 * again to find each kernel's neighbours. */
#ifndef OTTO_TPE_CACHE_H
#define OTTO_TPE_CACHE_H

#include <pthread.h>

#include "common/common.h"

typedef struct otto__tpe_entry {
    double u;        /* unit coordinate */
    int64_t number;  /* trial number: ties in u go by it, as in a plain sort */
    size_t vi;       /* view index (finished trials), or the kernel slot (loose) */
} otto__tpe_entry;

/* One parameter, under the distribution it is sampled with now (its
 * interned spec): trials whose value lies outside it have no coordinate. */
typedef struct otto__tpe_column {
    const otto_param_key *spec;
    size_t seen;               /* view entries read so far */
    double *u_of;              /* [vi] coordinate, NaN: none (unusable trial, absent, outside) */
    otto__tpe_entry *sorted;   /* the coordinates present, by (u, number) */
    size_t n_sorted, cap_sorted, cap_u;
} otto__tpe_column;

typedef struct otto__tpe_cache {
    pthread_mutex_t mu;        /* held from lookup to the last read of an ask */
    const otto_allocator *alloc; /* the study's, set on first use */
    otto__tpe_column **cols;   /* each allocated alone, so pointers to them stay valid */
    size_t n_cols, cap_cols;
    const otto_trial **trials; /* [vi] the trial the caches hold at view index vi */
    size_t n_trials, cap_trials;
} otto__tpe_cache;

void otto__tpe_cache_init(otto__tpe_cache *c);
void otto__tpe_cache_destroy(otto__tpe_cache *c);
/* Check that view v extends the views the caches were built from (caller
 * holds c->mu). A view usually only grows by appending, but not always: a
 * study's forgetting window slides, and a pruner's filter (Hyperband's
 * brackets) shows each trial a different subset. *valid receives the length
 * of the common prefix: the columns are cut back to it here, and the
 * caller cuts its own per-view-index caches to it. Then records v's trials.
 * OTTO_ENOMEM (with *valid 0 and every column emptied) when out of memory. */
int otto__tpe_cache_sync(otto__tpe_cache *c, const otto_view *v, size_t *valid);
/* The column of spec, brought up to date with view v (caller holds c->mu);
 * NULL when out of memory. scratch serves temporary memory. */
const otto__tpe_column *otto__tpe_cache_column(otto__tpe_cache *c, const otto_view *v,
                                               const otto_param_key *spec,
                                               const otto_allocator *scratch);

/* Neighbour gaps of the kernels of one dim on two sides at once. The
 * kernels are slots: slots < n_below form one side, the others the other.
 * Finished trial vi is slot slot_of[vi] (-1: not a kernel; slot_of covers
 * every vi of the column); loose[0..n_loose) are further kernels (running
 * trials) with vi holding their slot, reordered here. gap[slot] receives
 * the larger distance to its same-side neighbours in sorted order, the
 * interval ends 0 and 1 counting as neighbours of the outermost ones unless
 * consider_endpoints is 0 and the side has two kernels or more (then the
 * outermost ones take their inner gap), as in Optuna. work_u and work_slot
 * hold one entry per slot. */
void otto__tpe_gaps(const otto__tpe_column *col, const int32_t *slot_of,
                    otto__tpe_entry *loose, size_t n_loose, size_t n_below,
                    int consider_endpoints, double *work_u, uint32_t *work_slot, double *gap);

#endif /* OTTO_TPE_CACHE_H */
