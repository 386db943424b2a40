package org.cbinfer.kernels.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The value buffers of a dense pass over a batch of frames, laid out back to back per value (camera c's slice at
 * c times one camera's size), so that a library call (cuDNN) computes the whole batch at once; one stream per
 * camera of the batch views its slices. Owned by the backend, one per plan and batch size.
 */
final class DenseBatch implements AutoCloseable {
    private final List<DeviceBuffer> arena = new ArrayList<>();
    private final List<CudaStream> streams = new ArrayList<>();
    private final DeviceMemoryPool pool;

    DenseBatch(CudaBackend backend, CudaPlan plan, int cameras) {
        this.pool = plan.pool();
        int slots = plan.slots().length;
        DeviceBuffer[][] views = new DeviceBuffer[cameras][slots];
        for (int s = 0; s < slots; s++) {
            SlotLayout l = plan.slots()[s];
            if (l.constant()) continue;
            long bytes = (long) plan.elementBytes() * l.size();
            DeviceBuffer all = pool.allocateZeroed(bytes * cameras);
            arena.add(all);
            for (int c = 0; c < cameras; c++) views[c][s] = new DeviceBuffer(all.address(bytes * c), bytes);
        }
        for (int c = 0; c < cameras; c++) {
            CudaStream st = new CudaStream(backend);
            st.bindViews(plan, views[c]);
            streams.add(st);
        }
    }

    List<CudaStream> streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.forEach(CudaStream::close);
        arena.forEach(pool::release);
    }
}
