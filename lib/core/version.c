/* Run-time version of the linked library. */
#include "otto/version.h"

int otto_version(void) { return OTTO_VERSION_NUMBER; }
const char *otto_version_string(void) { return OTTO_VERSION_STRING; }
