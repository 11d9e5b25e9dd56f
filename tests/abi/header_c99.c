/* Compile check: the public headers are valid C99 under -pedantic -Werror
 * (built with those flags by tests/abi/meson.build; running it is trivial). */
#include <otto/otto.h>

int main(void)
{
    otto_study_options so;
    otto_study_options_init(&so);
    return otto_version() == OTTO_VERSION_NUMBER && so.size == sizeof so ? 0 : 1;
}
