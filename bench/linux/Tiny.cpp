// The tiny static program the spawn workloads start. Without arguments it exits at once.
// With "wait" it writes one byte to fd 3 (it is running) and then blocks reading fd 4 until
// the benchmark closes the other end.
#include <unistd.h>

int main(int argc, char** argv)
{
    if (argc < 2 || argv[1][0] != 'w')
        return 0;
    char byte = 'r';
    if (write(3, &byte, 1) != 1)
        return 1;
    while (read(4, &byte, 1) > 0) {
    }
    return 0;
}
