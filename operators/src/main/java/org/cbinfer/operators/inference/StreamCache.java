package org.cbinfer.operators.inference;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cbinfer.kernels.backend.BackendStream;

/**
 * The live backend streams of the cameras a subtask serves, least recently used first, with the bytes they hold
 * (host or device memory, {@link BackendStream#bytes()}). The operator writes an evicted stream back to keyed
 * state before closing it; this class only keeps the books.
 */
final class StreamCache {
    private final LinkedHashMap<Object, BackendStream> streams = new LinkedHashMap<>(16, 0.75f, true);
    private final long budgetBytes;
    private volatile long bytes;
    private volatile int size;

    StreamCache(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The camera's stream, now most recently used; null when not cached. */
    BackendStream get(Object camera) {
        return streams.get(camera);
    }

    void put(Object camera, BackendStream stream) {
        BackendStream old = streams.put(camera, stream);
        if (old != null) old.close();
        recount();
    }

    /** Bytes changed inside cached streams (after processing a batch). */
    void recount() {
        long b = 0;
        for (BackendStream s : streams.values()) b += s.bytes();
        bytes = b;
        size = streams.size();
    }

    /**
     * Removes least recently used streams, never one of {@code keep}, until the cache is within its budget.
     * The caller writes them back and closes them.
     */
    List<Map.Entry<Object, BackendStream>> evictOverBudget(Set<Object> keep) {
        List<Map.Entry<Object, BackendStream>> evicted = new ArrayList<>();
        long b = bytes;
        for (Iterator<Map.Entry<Object, BackendStream>> it = streams.entrySet().iterator(); it.hasNext() && b > budgetBytes; ) {
            Map.Entry<Object, BackendStream> e = it.next();
            if (keep.contains(e.getKey())) continue;
            evicted.add(Map.entry(e.getKey(), e.getValue()));
            b -= e.getValue().bytes();
            it.remove();
        }
        if (!evicted.isEmpty()) recount();
        return evicted;
    }

    /** Every cached camera and its stream (for the write-back at a checkpoint). */
    Set<Map.Entry<Object, BackendStream>> entries() {
        return streams.entrySet();
    }

    /** Bytes held by the cached streams; safe to read from the metrics thread. */
    long bytes() {
        return bytes;
    }

    /** Cached cameras; safe to read from the metrics thread. */
    int size() {
        return size;
    }

    void closeAll() {
        streams.values().forEach(BackendStream::close);
        streams.clear();
        recount();
    }
}
