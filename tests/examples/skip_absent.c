/* Stands in for an example program whose library this build lacks (Box2D,
 * XGBoost, or a cross build where they are never built): it says so and
 * exits 77, which meson reports as a skipped test. */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("skipped: %s was not found when this build was configured\n",
           argc > 1 ? argv[1] : "a library");
    return 77;
}
