// Checks that the kernel keeps each agent's FPU/SSE registers its own: fills xmm0-xmm15 and
// MXCSR with values derived from its start argument, yields so that other agents (running the
// same loop with other values) get the CPU, and checks that every register still holds its
// value. Exits with the number of mismatches (0 = isolated).
#include <user/libgehri/Gehri.h>

namespace {

constexpr int rounds = 50;

struct alignas(16) Registers {
    uint64_t xmm[16][2];
    uint32_t mxcsr;
};

void fill(Registers& registers, uint64_t seed, int round)
{
    for (int i = 0; i < 16; ++i) {
        registers.xmm[i][0] = seed * 0x9e3779b97f4a7c15ull + uint64_t(i) * 0x1000193 + uint64_t(round);
        registers.xmm[i][1] = ~registers.xmm[i][0] ^ (seed << 32);
    }
    // Rounding control (bits 13-14) differs per seed; all exceptions stay masked.
    registers.mxcsr = 0x1f80 | (uint32_t(seed % 4) << 13);
}

// Loads the registers, yields, and stores them again, without the compiler touching any xmm
// register in between.
void load_yield_store(const Registers& in, Registers& out)
{
    asm volatile(
        "ldmxcsr 256(%[in])\n"
        "movdqa 0(%[in]), %%xmm0\n movdqa 16(%[in]), %%xmm1\n movdqa 32(%[in]), %%xmm2\n movdqa 48(%[in]), %%xmm3\n"
        "movdqa 64(%[in]), %%xmm4\n movdqa 80(%[in]), %%xmm5\n movdqa 96(%[in]), %%xmm6\n movdqa 112(%[in]), %%xmm7\n"
        "movdqa 128(%[in]), %%xmm8\n movdqa 144(%[in]), %%xmm9\n movdqa 160(%[in]), %%xmm10\n movdqa 176(%[in]), %%xmm11\n"
        "movdqa 192(%[in]), %%xmm12\n movdqa 208(%[in]), %%xmm13\n movdqa 224(%[in]), %%xmm14\n movdqa 240(%[in]), %%xmm15\n"
        "movq %[yield], %%rax\n"
        "syscall\n"
        "movdqa %%xmm0, 0(%[out])\n movdqa %%xmm1, 16(%[out])\n movdqa %%xmm2, 32(%[out])\n movdqa %%xmm3, 48(%[out])\n"
        "movdqa %%xmm4, 64(%[out])\n movdqa %%xmm5, 80(%[out])\n movdqa %%xmm6, 96(%[out])\n movdqa %%xmm7, 112(%[out])\n"
        "movdqa %%xmm8, 128(%[out])\n movdqa %%xmm9, 144(%[out])\n movdqa %%xmm10, 160(%[out])\n movdqa %%xmm11, 176(%[out])\n"
        "movdqa %%xmm12, 192(%[out])\n movdqa %%xmm13, 208(%[out])\n movdqa %%xmm14, 224(%[out])\n movdqa %%xmm15, 240(%[out])\n"
        "stmxcsr 256(%[out])\n"
        :
        : [in] "r"(&in), [out] "r"(&out), [yield] "i"(static_cast<uint64_t>(gehri::abi::Syscall::Yield))
        : "rax", "rcx", "r11", "rdi", "rsi", "rdx", "r8", "r9", "r10", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
        "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

} // namespace

int main(gehri::Agent& self)
{
    uint64_t seed = self.argument();
    int mismatches = 0;
    Registers expected {};
    Registers seen {};
    for (int round = 0; round < rounds; ++round) {
        fill(expected, seed, round);
        load_yield_store(expected, seen);
        for (int i = 0; i < 16; ++i) {
            if (seen.xmm[i][0] != expected.xmm[i][0] || seen.xmm[i][1] != expected.xmm[i][1]) {
                if (mismatches < 4)
                    gehri::println("fpu: round {}: xmm{} is {:#x}:{:#x}, expected {:#x}:{:#x}", round, i, seen.xmm[i][1], seen.xmm[i][0],
                        expected.xmm[i][1], expected.xmm[i][0]);
                ++mismatches;
            }
        }
        if ((seen.mxcsr & 0xffc0) != (expected.mxcsr & 0xffc0)) {
            gehri::println("fpu: round {}: MXCSR is {:#x}, expected {:#x}", round, seen.mxcsr, expected.mxcsr);
            ++mismatches;
        }
    }
    gehri::println("fpu: seed {}: {} rounds, {} mismatches", seed, rounds, mismatches);
    return mismatches;
}
