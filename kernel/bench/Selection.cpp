#include <kernel/bench/Selection.h>

namespace gehri::bench {

bool is_selected(StringView selection, StringView name)
{
    size_t start = 0;
    while (start <= selection.length()) {
        size_t comma = selection.find(',', start);
        size_t end = comma == StringView::npos ? selection.length() : comma;
        StringView entry = selection.substring(start, end - start);
        if (!entry.is_empty() && (entry == "all" || entry == name))
            return true;
        if (comma == StringView::npos)
            break;
        start = comma + 1;
    }
    return false;
}

} // namespace gehri::bench
