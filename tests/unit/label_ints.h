/* A test problem of integers that are labels rather than quantities, shared
 * by the GP and auto sampler tests (include after common.h and
 * tpe_problems.h; call label_tables() before the first study). */
#ifndef OTTO_TEST_LABEL_INTS_H
#define OTTO_TEST_LABEL_INTS_H

#include <math.h>
#include <stdint.h>

#include <otto/otto.h>

/* Six ints of five values each that are labels, not quantities (the shape
 * of NAS-Bench-201's operations declared with suggest_int): each value's
 * effect is a table entry, good and bad values alternating, plus small
 * interactions of neighbours; shifted so that the optimum is 0. */
#define LABEL_PARAMS 6
#define LABEL_VALUES 5
static double label_main[LABEL_PARAMS][LABEL_VALUES];
static double label_pair[LABEL_PARAMS - 1][LABEL_VALUES][LABEL_VALUES];
static double label_best;

static double label_value(const int64_t *k)
{
    double f = 0;
    for (int i = 0; i < LABEL_PARAMS; i++)
        f += label_main[i][k[i]];
    for (int i = 0; i + 1 < LABEL_PARAMS; i++)
        f += label_pair[i][k[i]][k[i + 1]];
    return f;
}

static void label_tables(void)
{
    /* zigzag effects: good and bad values alternate, so no smooth curve
     * through the indices fits them */
    static const double zigzag[2][LABEL_VALUES] = {{1.6, 0.0, 1.8, 0.3, 1.4},
                                                   {0.2, 1.7, 0.0, 1.9, 0.4}};
    uint64_t x = 0x2545f4914f6cdd1dULL;
    for (int i = 0; i < LABEL_PARAMS; i++)
        for (int j = 0; j < LABEL_VALUES; j++)
            label_main[i][j] = zigzag[i % 2][j];
    for (int i = 0; i + 1 < LABEL_PARAMS; i++)
        for (int a = 0; a < LABEL_VALUES; a++)
            for (int b = 0; b < LABEL_VALUES; b++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                label_pair[i][a][b] = 0.2 * (double)(x % 1000) / 1000.0;
            }
    label_best = INFINITY;
    int64_t k[LABEL_PARAMS] = {0};
    for (int n = 0; n < 15625; n++) { /* every configuration: 5^6 */
        for (int i = 0, r = n; i < LABEL_PARAMS; i++, r /= LABEL_VALUES)
            k[i] = r % LABEL_VALUES;
        label_best = fmin(label_best, label_value(k));
    }
}

static double labels(otto_trial *t)
{
    int64_t k[LABEL_PARAMS];
    static const char *const names[LABEL_PARAMS] = {"op0", "op1", "op2", "op3", "op4", "op5"};
    for (int i = 0; i < LABEL_PARAMS; i++)
        if (otto_trial_suggest_int(t, names[i], 0, LABEL_VALUES - 1, 1, 0, &k[i]))
            return NAN;
    return label_value(k) - label_best;
}

#endif /* OTTO_TEST_LABEL_INTS_H */
