package org.cbinfer.kernels.cuda;

import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.cbinfer.kernels.cuda.Cuda.check;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.cbinfer.kernels.backend.Precision;

/**
 * Launches the project's kernels on a backend's CUDA stream (or, while a graph's conditional body is being
 * captured, on that capture's stream): each launch takes a {@link Kernels} entry and its parameter record, whose
 * components become the kernel's arguments in order. Not thread-safe (one backend, one thread).
 */
final class Launcher implements AutoCloseable {
    /** Threads per block of the element-wise kernels. */
    static final int BLOCK = 256;
    /** A null device pointer or graph handle argument. */
    static final long NULL = 0L;
    private static final int MAX_ARGS = 32;

    /** A record component: how to read it and its argument type. */
    private record Component(String name, MethodHandle getter, Class<?> type) {}

    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> record) {
            RecordComponent[] rc = record.getRecordComponents();
            if (rc.length > MAX_ARGS) throw new IllegalArgumentException(record + " has more than " + MAX_ARGS + " components");
            Component[] c = new Component[rc.length];
            for (int i = 0; i < rc.length; i++) {
                Class<?> t = rc[i].getType();
                if (t != int.class && t != long.class && t != float.class) {
                    throw new IllegalArgumentException(record.getSimpleName() + "." + rc[i].getName() + " is a " + t
                            + "; kernel parameters are int, long or float");
                }
                try {
                    c[i] = new Component(rc[i].getName(), MethodHandles.lookup().unreflect(rc[i].getAccessor()), t);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            return c;
        }
    };

    private final CudaDevice device;
    private final Precision precision;
    private final CUstream_st backendStream;
    private CUstream_st stream;
    /** One 8-byte slot per argument; the driver copies the values at launch (and at capture), so they are reused. */
    private final BytePointer argValues = new BytePointer(8L * MAX_ARGS);
    private final ByteBuffer argView;
    private final PointerPointer<Pointer> argPointers = new PointerPointer<>(MAX_ARGS);

    Launcher(CudaDevice device, CUstream_st stream, Precision precision) {
        this.device = device;
        this.backendStream = stream;
        this.stream = stream;
        this.precision = precision;
        this.argView = argValues.asByteBuffer().order(ByteOrder.nativeOrder());
        for (int i = 0; i < MAX_ARGS; i++) argPointers.put(i, argValues.getPointer(8L * i));
    }

    /** The stream launches go to now. */
    CUstream_st stream() {
        return stream;
    }

    /** The backend's own stream. */
    CUstream_st backendStream() {
        return backendStream;
    }

    CudaDevice device() {
        return device;
    }

    Precision precision() {
        return precision;
    }

    /** Runs {@code work} with launches (and library calls that ask {@link #stream()}) going to {@code s}. */
    void onStream(CUstream_st s, Runnable work) {
        CUstream_st before = stream;
        stream = s;
        try {
            work.run();
        } finally {
            stream = before;
        }
    }

    /** Launches {@code kernel} (its entry for the backend's precision) on a (gridX, gridY) grid of blocks. */
    <P extends Record> void launch(Kernels.Kernel<P> kernel, int gridX, int gridY, int block, P parameters) {
        String entry = kernel.entry(precision);
        Component[] components = COMPONENTS.get(parameters.getClass());
        for (int i = 0; i < components.length; i++) {
            Component c = components[i];
            try {
                Object v = c.getter().invoke(parameters);
                if (c.type() == int.class) {
                    argView.putInt(8 * i, (Integer) v);
                } else if (c.type() == long.class) {
                    argView.putLong(8 * i, (Long) v);
                } else {
                    argView.putFloat(8 * i, (Float) v);
                }
            } catch (Throwable t) {
                throw new IllegalStateException("cannot read " + c.name() + " of " + parameters, t);
            }
        }
        check(cuLaunchKernel(device.function(entry), Math.max(1, gridX), Math.max(1, gridY), 1, block, 1, 1, 0, stream,
                argPointers, null), "cuLaunchKernel(" + entry + ")");
    }

    /** Blocks for {@code work} items, at most {@code perSm} blocks per multiprocessor (kernels loop over the rest). */
    int blocksFor(long work, int perSm) {
        long blocks = (work + BLOCK - 1) / BLOCK;
        return (int) Math.max(1, Math.min(blocks, (long) perSm * device.multiprocessors()));
    }

    /** One thread per item: blocks of {@link #BLOCK}. */
    static int blocks(long items) {
        return (int) Math.max(1, (items + BLOCK - 1) / BLOCK);
    }

    @Override
    public void close() {
        argPointers.close();
        argValues.close();
    }
}
