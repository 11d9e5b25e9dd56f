// Compile check: the public headers are valid C++ (extern "C" linkage) and
// link from a C++ program.
#include <otto/otto.h>

int main()
{
    otto_study_options so;
    otto_study_options_init(&so);
    otto_study *s = nullptr;
    if (otto_study_create(&so, &s) != OTTO_OK)
        return 1;
    otto_study_destroy(s);
    return otto_version() == OTTO_VERSION_NUMBER ? 0 : 1;
}
