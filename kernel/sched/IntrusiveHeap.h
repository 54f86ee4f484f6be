#pragma once

#include <stddef.h>

namespace gehri::sched {

// The links an object embeds to sit in one IntrusiveHeap. `previous` points at the left
// sibling, or at the parent for a first child (the usual pairing-heap layout, which lets a
// node be removed from anywhere without a search).
template<typename T>
struct HeapNode {
    T* owner { nullptr };
    HeapNode* child { nullptr };
    HeapNode* next { nullptr };
    HeapNode* previous { nullptr };

    bool is_linked() const { return owner != nullptr; }
};

// A min-ordered pairing heap of objects that carry their own links. It serves both the run
// queues (ordered by virtual runtime) and the timer queues (ordered by deadline): O(1) insert
// and first(), O(log n) amortized pop and removal of any element, no allocation and no
// recursion (kernel stacks are small). `Less` is a stateless strict order; callers break
// ties themselves (by a sequence number) so that equal keys come out first-in first-out.
// Not synchronized; the owner holds the lock.
template<typename T, HeapNode<T> T::*Member, typename Less>
class IntrusiveHeap {
public:
    using Node = HeapNode<T>;

    IntrusiveHeap() = default;
    IntrusiveHeap(const IntrusiveHeap&) = delete;
    IntrusiveHeap& operator=(const IntrusiveHeap&) = delete;

    bool is_empty() const { return m_root == nullptr; }
    size_t size() const { return m_size; }
    T* first() const { return m_root ? m_root->owner : nullptr; }

    void insert(T& object)
    {
        Node& node = object.*Member;
        node = {};
        node.owner = &object;
        m_root = m_root ? meld(m_root, &node) : &node;
        ++m_size;
    }

    T* pop_first()
    {
        T* object = first();
        if (object)
            remove(*object);
        return object;
    }

    // The object must be in this heap.
    void remove(T& object)
    {
        Node* node = &(object.*Member);
        if (node == m_root) {
            m_root = merge_pairs(node->child);
        } else {
            detach_from_siblings(node);
            Node* orphans = merge_pairs(node->child);
            if (orphans)
                m_root = meld(m_root, orphans);
        }
        *node = {};
        --m_size;
    }

    // Visits every element in no particular order. The callback must not change the heap.
    template<typename Callback>
    void for_each(Callback callback) const
    {
        Node* node = m_root;
        while (node) {
            callback(*node->owner);
            if (node->child) {
                node = node->child;
                continue;
            }
            while (node && !node->next)
                node = parent_of(node);
            if (node)
                node = node->next;
        }
    }

    // Checks the heap order and every link; for tests.
    bool is_valid() const
    {
        if (m_root && (m_root->previous || m_root->next))
            return false;
        size_t count = 0;
        bool valid = true;
        for_each([&](T& object) {
            ++count;
            Node* parent = &(object.*Member);
            if (parent->owner != &object)
                valid = false;
            Node* expected_previous = parent;
            for (Node* child = parent->child; child; child = child->next) {
                if (child->previous != expected_previous || Less {}(*child->owner, *parent->owner))
                    valid = false;
                expected_previous = child;
            }
        });
        return valid && count == m_size;
    }

private:
    static bool is_first_child(const Node* node) { return node->previous && node->previous->child == node; }

    static Node* parent_of(Node* node)
    {
        while (node->previous && !is_first_child(node))
            node = node->previous;
        return node->previous;
    }

    static void detach_from_siblings(Node* node)
    {
        if (is_first_child(node))
            node->previous->child = node->next;
        else
            node->previous->next = node->next;
        if (node->next)
            node->next->previous = node->previous;
        node->next = nullptr;
        node->previous = nullptr;
    }

    // Both arguments are roots (no siblings); the larger becomes the first child of the smaller.
    static Node* meld(Node* a, Node* b)
    {
        if (Less {}(*b->owner, *a->owner)) {
            Node* swap = a;
            a = b;
            b = swap;
        }
        b->previous = a;
        b->next = a->child;
        if (a->child)
            a->child->previous = b;
        a->child = b;
        a->next = nullptr;
        a->previous = nullptr;
        return a;
    }

    // The standard two-pass merge of a sibling list: pair up left to right, then fold the
    // pairs right to left. The first pass stacks the pairs through their `next` links.
    static Node* merge_pairs(Node* first)
    {
        if (!first)
            return nullptr;
        Node* pairs = nullptr;
        while (first) {
            Node* a = first;
            Node* b = a->next;
            first = b ? b->next : nullptr;
            a->next = a->previous = nullptr;
            Node* merged = a;
            if (b) {
                b->next = b->previous = nullptr;
                merged = meld(a, b);
            }
            merged->next = pairs;
            pairs = merged;
        }
        Node* result = pairs;
        pairs = pairs->next;
        result->next = nullptr;
        while (pairs) {
            Node* following = pairs->next;
            pairs->next = nullptr;
            result = meld(result, pairs);
            pairs = following;
        }
        return result;
    }

    Node* m_root { nullptr };
    size_t m_size { 0 };
};

} // namespace gehri::sched
