#pragma once

namespace gehri::arch {

// Remaps the two legacy 8259 PICs to vectors::legacy_pic_base (so a stray interrupt they
// still raise cannot masquerade as a CPU exception) and masks every line: all external
// interrupts go through the IOAPICs.
void disable_legacy_pics();

} // namespace gehri::arch
