/* How a Gaussian-process model of otto reads one param value, shared by the
 * GP sampler (gp.c), the auto sampler's model check (auto_model_check.c) and
 * the study insight layer (lib/insight) so that every model sees a trial alike. */
#ifndef OTTO_GP_ENCODE_H
#define OTTO_GP_ENCODE_H

#include <otto/space.h>

/* The "small ints": linear int params of at most this many values, which
 * the GP reads as categories on request (otto_gp_options
 * small_ints_as_categories) and the auto sampler's encoding check reads
 * both ways. */
#define OTTO__GP_SMALL_INT_VALUES 16

/* Whether d is a small int (above): int, not log, at most
 * OTTO__GP_SMALL_INT_VALUES values. */
int otto__gp_small_int(const otto_distribution *d);

/* Whether the model reads d as a category (Hamming kernel dimension): every
 * categorical and, when small_ints is 1, every small int. */
int otto__gp_as_category(const otto_distribution *d, int small_ints);

/* The coordinate of an internal value: read as a category, its category
 * index (a categorical's choice index; an int's (value - low) / step); else
 * its unit-cube coordinate (log params in log space, int and step params at
 * the centre of their cell). 1 on success; 0 (and *coord untouched) when
 * the value lies outside d, as a value of a trial evaluated under an older
 * range may. */
int otto__gp_encode(const otto_distribution *d, int as_category, double internal,
                    double *coord);

/* The internal value of category index k (0 <= k < grid size) of d read as
 * a category: k for a categorical, low + k step for an int. */
double otto__gp_category_value(const otto_distribution *d, double k);

#endif /* OTTO_GP_ENCODE_H */
