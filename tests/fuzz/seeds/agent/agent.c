/* A minimal freestanding agent: code, read-only data, data and bss, as the toolchain links a
   static program. It is never run; it seeds the ELF fuzzer and shows that the loader accepts
   real linker output. */
static const char greeting[] = "drone up";
static volatile int counter = 1;
int scratch[1024];

void _start(void)
{
    for (;;) {
        scratch[counter & 1023] += greeting[counter & 7];
        counter += scratch[(counter * 7) & 1023];
    }
}
