#include <kernel/collective/Policy.h>

namespace gehri::collective {

// The classic greedy matcher with one backtrack point: on a mismatch after a '*', let the star
// swallow one more character. Linear in practice and never recursive, so a hostile pattern
// cannot blow the kernel stack.
bool glob_match(StringView pattern, StringView text)
{
    size_t p = 0;
    size_t t = 0;
    size_t star = StringView::npos;
    size_t resume = 0;
    while (t < text.length()) {
        if (p < pattern.length() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (p < pattern.length() && pattern[p] == text[t]) {
            ++p;
            ++t;
        } else if (star != StringView::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.length() && pattern[p] == '*')
        ++p;
    return p == pattern.length();
}

} // namespace gehri::collective
