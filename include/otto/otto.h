/* otto/otto.h: umbrella header of otto, an embeddable C library for black-box
 * and hyperparameter optimization (study, trial, sampler, pruner). See otto(7). */
#ifndef OTTO_OTTO_H
#define OTTO_OTTO_H

#include "alloc.h"
#include "auto.h"
#include "brute_force.h"
#include "cmaes.h"
#include "export.h"
#include "gp.h"
#include "importance.h"
#include "insight.h"
#include "grid.h"
#include "hypervolume.h"
#include "limits.h"
#include "pruner.h"
#include "qmc.h"
#include "random.h"
#include "sampler.h"
#include "space.h"
#include "status.h"
#include "storage.h"
#include "study.h"
#include "tpe.h"
#include "trial.h"
#include "sys/pruner.h"
#include "sys/sampler.h"
#include <otto/version.h>

#endif /* OTTO_OTTO_H */
