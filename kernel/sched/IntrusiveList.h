#pragma once

#include <stddef.h>

namespace gehri::sched {

// The links an object embeds to sit in one IntrusiveList. The node remembers its owner so the
// list never has to compute an object's address from a member's (no offsetof tricks).
template<typename T>
struct ListNode {
    T* owner { nullptr };
    ListNode* previous { nullptr };
    ListNode* next { nullptr };

    bool is_linked() const { return owner != nullptr; }
};

// A doubly linked FIFO of objects that carry their own links: no allocation, O(1) append,
// removal and pop. Not synchronized; the owner of the list holds the lock.
template<typename T, ListNode<T> T::*Member>
class IntrusiveList {
public:
    IntrusiveList() = default;
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool is_empty() const { return m_head == nullptr; }
    size_t size() const { return m_size; }
    T* first() const { return m_head ? m_head->owner : nullptr; }

    bool contains(const T& object) const
    {
        for (ListNode<T>* node = m_head; node; node = node->next) {
            if (node == &(object.*Member))
                return true;
        }
        return false;
    }

    void append(T& object)
    {
        ListNode<T>& node = object.*Member;
        node.owner = &object;
        node.previous = m_tail;
        node.next = nullptr;
        if (m_tail)
            m_tail->next = &node;
        else
            m_head = &node;
        m_tail = &node;
        ++m_size;
    }

    // The object must be in this list.
    void remove(T& object)
    {
        ListNode<T>& node = object.*Member;
        if (node.previous)
            node.previous->next = node.next;
        else
            m_head = node.next;
        if (node.next)
            node.next->previous = node.previous;
        else
            m_tail = node.previous;
        node = {};
        --m_size;
    }

    // The object after `object` (which must be in this list), or null: lets a walk remove the
    // object it stands on.
    T* next_of(const T& object) const
    {
        ListNode<T>* next = (object.*Member).next;
        return next ? next->owner : nullptr;
    }

    T* pop_first()
    {
        T* object = first();
        if (object)
            remove(*object);
        return object;
    }

    template<typename Callback>
    void for_each(Callback callback) const
    {
        for (ListNode<T>* node = m_head; node; node = node->next)
            callback(*node->owner);
    }

private:
    ListNode<T>* m_head { nullptr };
    ListNode<T>* m_tail { nullptr };
    size_t m_size { 0 };
};

} // namespace gehri::sched
